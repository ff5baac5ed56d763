"""Pure functions from the site model to /feed/ (WordPress RSS 2.0, healthy or broken) and /robots.txt."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime
from html import escape

from .model import MALFORMED_VALID_ITEMS, ORIGIN, Article, Site
from .render import body_html

RSS_OPEN = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
"""
# What feed_mode="malformed" appends after its valid items: an unterminated item, then the document ends.
BROKEN_TAIL = "\t<item>\n\t\t<title>Unclosed item & a stray <b>tag</title>\n\t\t<description><![CDATA[cut off"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rfc822(article: Article) -> str:
    return format_datetime(article.published_at.astimezone(UTC))


def feed_link(article: Article) -> str:
    """The <link> of an item: the pretty URL, with WordPress's RSS utm parameters for some articles."""
    if article.rss_utm:
        return f"{article.url}?utm_source=rss&utm_medium=rss&utm_campaign={article.slug}"
    return article.url


def rss_item(site: Site, a: Article) -> str:
    categories = "".join(f"\t\t<category>{_cdata(t.name)}</category>\n" for t in (a.section, *a.tags))
    creators = "".join(f"\t\t<dc:creator>{_cdata(au.name)}</dc:creator>\n" for au in a.authors)
    footer = f'<p>The post <a href="{a.url}">{escape(a.title)}</a> appeared first on Euromaidan Press.</p>'
    return (
        f"\t<item>\n\t\t<title>{escape(a.title, quote=False)}</title>\n"
        f"\t\t<link>{escape(feed_link(a))}</link>\n"
        f"\t\t<comments>{a.url}#respond</comments>\n{creators}"
        f"\t\t<pubDate>{_rfc822(a)}</pubDate>\n{categories}"
        f'\t\t<guid isPermaLink="false">{a.shortlink}</guid>\n'
        f"\t\t<description>{_cdata(f'<p>{escape(a.subtitle)}</p>{footer}')}</description>\n"
        f"\t\t<content:encoded>{_cdata(body_html(site, a))}</content:encoded>\n"
        "\t\t<slash:comments>0</slash:comments>\n\t</item>\n"
    )


def _channel_head(site: Site, items: list[Article]) -> str:
    built = max((a.modified for a in items), default=None)
    last = f"\t<lastBuildDate>{format_datetime(built.astimezone(UTC))}</lastBuildDate>\n" if built else ""
    return (
        f"<channel>\n\t<title>{escape(site.chrome.site_name)}</title>\n"
        f'\t<atom:link href="{ORIGIN}/feed/" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{ORIGIN}/</link>\n\t<description>News and views from Ukraine</description>\n{last}"
        "\t<language>en-US</language>\n\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>1</sy:updateFrequency>\n\t<generator>https://wordpress.org/?v=6.8.1</generator>\n"
    )


def rss_feed(site: Site, mode: str = "ok") -> str:
    """The feed as served in feed_mode "ok", "empty" (no items) or "malformed" (valid items, then garbage)."""
    items = {
        "ok": site.feed_articles(),
        "empty": [],
        "malformed": site.feed_articles()[:MALFORMED_VALID_ITEMS],
    }[mode]
    text = RSS_OPEN + _channel_head(site, items) + "".join(rss_item(site, a) for a in items)
    if mode == "malformed":
        return text + BROKEN_TAIL
    return text + "</channel>\n</rss>\n"


def feed_last_modified(site: Site) -> str | None:
    items = site.feed_articles()
    return format_datetime(max(a.modified for a in items).astimezone(UTC), usegmt=True) if items else None


def robots_txt(site: Site) -> str:
    return (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {ORIGIN}/sitemap_index.xml\n"
    )
