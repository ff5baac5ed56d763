"""Routing without sockets: one request target in, one Reply out (status, headers, body), WordPress URL rules."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

from . import challenge, feed, render
from .model import FEED_MODES, Site

HTML = "text/html; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
TEXT = "text/plain; charset=utf-8"
# The smallest GIF: every /wp-content/uploads/ image (crawlers should not fetch them, browsers may).
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)

CATEGORY_RE = re.compile(r"^/category/([^/]+)/(?:page/(\d+)/)?$")
HUB_RE = re.compile(r"^/(tags|author)/([^/]+)/$")
PAGE_RE = re.compile(r"^/([a-z0-9-]+)/$")


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)


def _html(text: str, status: int = 200, **headers: str) -> Reply:
    return Reply(status, text.encode("utf-8"), HTML, dict(headers))


def _redirect(location: str) -> Reply:
    return Reply(301, b"", HTML, {"Location": location})


def not_found(site: Site) -> Reply:
    return _html(render.not_found_page(site), 404)


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


def route(site: Site, target: str, *, feed_mode: str = "ok") -> Reply:
    """The reply for a GET of target ("/path?query"); tracking parameters and unknown queries are ignored."""
    parts = urlsplit(target)
    path, query = parts.path or "/", parse_qs(parts.query)
    if (
        path == "/" and "p" in query
    ):  # WordPress shortlink: served in place, rel=canonical says where it lives
        post = site.by_id(int(query["p"][0])) if query["p"][0].isdigit() else None
        if post is None:
            return not_found(site)
        return _html(render.article_page(site, post), **{"Last-Modified": _http_date(post.modified)})
    if path == "/":
        return _html(render.home_page(site))
    if path == "/robots.txt":
        return Reply(200, feed.robots_txt(site).encode(), TEXT)
    if path == "/feed":
        return _redirect("/feed/")
    if path == "/feed/":
        return feed_reply(site, feed_mode)
    if path.startswith("/wp-content/uploads/"):
        return Reply(200, PIXEL, "image/gif")
    article = site.by_path(path) or site.by_path(path + "/")
    if article is not None:
        if not path.endswith("/"):
            return _redirect(path + "/" + (f"?{parts.query}" if parts.query else ""))
        return _html(render.article_page(site, article), **{"Last-Modified": _http_date(article.modified)})
    if m := CATEGORY_RE.match(path):
        if m.group(2) == "1":
            return _redirect(f"/category/{m.group(1)}/")
        page = render.category_page(site, m.group(1), int(m.group(2) or 1))
        return _html(page) if page is not None else not_found(site)
    if m := HUB_RE.match(path):
        hub = (
            render.tag_page(site, m.group(2))
            if m.group(1) == "tags"
            else render.author_page(site, m.group(2))
        )
        return _html(hub) if hub is not None else not_found(site)
    if (m := PAGE_RE.match(path)) and (page := render.static_page(site, m.group(1))) is not None:
        return _html(page)
    return not_found(site)


def feed_reply(site: Site, mode: str) -> Reply:
    if mode not in FEED_MODES:
        raise ValueError(f"unknown feed_mode {mode!r}; one of {', '.join(FEED_MODES)}")
    if mode == "missing":
        return not_found(site)
    if mode == "html":  # a theme/CDN answering the feed URL with a web page
        return _html(render.home_page(site))
    headers = {}
    if mode == "ok" and (last := feed.feed_last_modified(site)):
        headers["Last-Modified"] = last
    return Reply(200, feed.rss_feed(site, mode).encode("utf-8"), RSS, headers)


def handle(
    site: Site, target: str, request_headers: Mapping[str, str] | None = None, *, feed_mode: str = "ok"
) -> Reply:
    """route() plus ETag and conditional GET (If-None-Match, If-Modified-Since -> 304)."""
    with site.lock:
        wall = challenge.challenge_status(site, urlsplit(target).path or "/", request_headers or {})
        if wall is not None:  # Cloudflare answers 403 with this header; the 200 variant does not
            headers = {"cf-mitigated": "challenge", "Cache-Control": "no-store"} if wall == 403 else {}
            return Reply(wall, challenge.CHALLENGE_PAGE.encode("utf-8"), HTML, headers)
        reply = route(site, target, feed_mode=feed_mode)
    if reply.status != 200:
        return reply
    etag = '"' + hashlib.sha1(reply.body).hexdigest()[:20] + '"'
    reply.headers["ETag"] = etag
    headers = {k.lower(): v for k, v in (request_headers or {}).items()}
    if (inm := headers.get("if-none-match")) is not None:
        if etag in {t.strip() for t in inm.split(",")} or inm.strip() == "*":
            return Reply(304, b"", reply.content_type, reply.headers)
        return reply
    since, last = headers.get("if-modified-since"), reply.headers.get("Last-Modified")
    if since and last:
        try:
            if parsedate_to_datetime(last) <= parsedate_to_datetime(since):
                return Reply(304, b"", reply.content_type, reply.headers)
        except (TypeError, ValueError):
            pass
    return reply
