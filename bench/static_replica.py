"""A large static copy of the replica site (tests/replica) on disk, served by a private nginx.

The replica's articles are copied with fresh slugs and text until there are ``articles`` of them (the
copies' Read also links point at each other), then every article page, every category listing page (with
its pagination), ``/feed/`` and ``robots.txt`` are rendered once into files under ``root`` in the site's
URL layout (``/2026/03/11/slug/index.html``). Absolute links to the real origin become root-relative, so
any crawler that follows same-site links (not only newsmon, which maps the origin onto a mirror) finds the
whole site on 127.0.0.1.

nginx runs as a child process with its own config, prefix, pid file and logs in a temporary directory, on
a free 127.0.0.1 port; the system's nginx and its files are never touched.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
_ORIGINS = ("https://euromaidanpress.com/", "https://www.euromaidanpress.com/")


def build_site(articles: int) -> Any:
    """The default replica site with its articles copied (fresh slug, title and first paragraph: newsmon
    drops records with a duplicate body) until there are ``articles``; each copy keeps its section, so
    every category listing grows with it, and its Read also links point at the same copy's articles."""
    from tests.replica.articles import ARTICLES
    from tests.replica.articles_older import ARTICLES_OLDER
    from tests.replica.content import article_from_spec, default_site

    site = default_site()
    categories = {c.slug: c for c in site.categories}
    specs = [*ARTICLES, *ARTICLES_OLDER]
    copy = 0
    while len(site.articles) < articles:
        copy += 1
        for spec in specs:  # whole copies: their links point at each other
            site.articles.append(article_from_spec(copied_spec(spec, copy), site.next_id(), categories))
    newest = site.newest()  # the site is fixed from here on: sort once, not once per page rendered
    site.newest = lambda: list(newest)  # type: ignore[method-assign]
    return site


def copied_spec(spec: dict[str, Any], copy: int) -> dict[str, Any]:
    """An article spec renamed for copy number ``copy``: slugs, title and links to other copies."""

    def slug(s: str) -> str:
        return f"{s}-copy{copy}"

    def ref(r: Any) -> Any:
        return slug(r) if isinstance(r, str) else (slug(r[0]), *r[1:])

    def para(p: Any, first: bool) -> Any:
        if isinstance(p, tuple):
            text, link, href, tail = p
            return (text, link, "@" + slug(href[1:]) if href.startswith("@") else href, tail)
        return f"{p} (Copy {copy} of this report.)" if first else p

    return {
        **spec,
        "slug": slug(spec["slug"]),
        "title": f"{spec['title']} (copy {copy})",
        "paras": [para(p, i == 0) for i, p in enumerate(spec["paras"])],
        "read_also": [ref(r) for r in spec.get("read_also", [])],
        "inline_read_also": [(before, slug(s)) for before, s in spec.get("inline_read_also", [])],
    }


def _local(html: str) -> str:
    for origin in _ORIGINS:
        html = html.replace(origin, "/")
    return html


def _write(root: Path, path: str, text: str, name: str = "index.html") -> None:
    target = root / path.strip("/") / name if path.strip("/") else root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_local(text), "utf-8")


def write_site(site: Any, root: Path) -> dict[str, int]:
    """Render the site into ``root``; returns how many files of each kind were written."""
    from tests.replica import feed, render

    counts = {"articles": 0, "listing pages": 0}
    for article in site.articles:
        _write(root, article.path, render.article_page(site, article))
        counts["articles"] += 1
    for category in site.categories:
        pages = site.page_count(site.category_articles(category.slug))
        for page in range(1, pages + 1):
            html = render.category_page(site, category.slug, page)
            if html is not None:
                path = f"/category/{category.slug}/" + (f"page/{page}/" if page > 1 else "")
                _write(root, path, html)
                counts["listing pages"] += 1
    _write(root, "/", render.home_page(site))
    _write(root, "/feed/", feed.rss_feed(site), name="index.xml")
    (root / "robots.txt").write_text(_local(feed.robots_txt(site)), "utf-8")
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; text/plain txt; application/rss+xml xml; }}
    default_type application/octet-stream;
    log_format bench '$status $request_uri';
    access_log {prefix}/access.log bench;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    sendfile on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        charset utf-8;
        location = /feed/ {{ try_files /feed/index.xml =404; }}
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


class Nginx:
    """A private nginx serving ``root`` on 127.0.0.1 (use as a context manager)."""

    def __init__(self, root: Path, prefix: Path) -> None:
        self.root, self.prefix = root, prefix
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def __enter__(self) -> Nginx:
        self.prefix.mkdir(parents=True, exist_ok=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(prefix=self.prefix, root=self.root, port=self.port), "utf-8")
        command = [NGINX, "-p", str(self.prefix), "-c", str(conf), "-e", str(self.prefix / "error.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"nginx exited: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("nginx did not start listening")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # our own child, by its pid
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def served(self) -> list[tuple[int, str]]:
        """(status, request URI) of every request logged so far."""
        if not self.access_log.exists():
            return []
        out = []
        for line in self.access_log.read_text("utf-8", errors="replace").splitlines():
            status, _, uri = line.partition(" ")
            if status.isdigit():
                out.append((int(status), uri))
        return out

    def clear_log(self) -> None:
        """Start a fresh access log (nginx reopens it on SIGUSR1)."""
        self.access_log.write_text("")


@contextmanager
def served_site(articles: int, work: Path) -> Iterator[tuple[Nginx, dict[str, int], Any]]:
    site = build_site(articles)
    work.chmod(0o755)  # nginx's worker may run as another user (nobody): it must be able to read the files
    root = work / "site"
    counts = write_site(site, root)
    with Nginx(root, work / "nginx") as nginx:
        yield nginx, counts, site
