"""Pure functions from the site model to WordPress-shaped HTML pages (two theme variants, invented text)."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote

from . import challenge
from .model import ORIGIN, WWW_ORIGIN, Article, Paragraph, Ref, Site

# XPath of the article body element per template, for tests only (a crawler must not need it).
BODY_XPATH = {
    "classic": "//div[contains(@class, 'td-post-content')]",
    "modern": "//div[contains(@class, 'article__text')]",
}
SOCIAL = (
    "https://www.facebook.com/euromaidanpress.example",
    "https://x.com/euromaidanpress_example",
    "https://www.youtube.com/@euromaidanpress_example",
)
STYLE = "body{font-family:Georgia,serif;margin:0}.menu{display:flex;gap:1em;list-style:none}"


def esc(text: str) -> str:
    return escape(text, quote=True)


def date_text(dt: datetime) -> str:
    """The visible date format of the site: dd/mm/yyyy in the article's own offset."""
    return f"{dt:%d/%m/%Y}"


def _link_style(i: int, path: str) -> str:
    """Same-site links written three ways (absolute, www, root-relative), as real pages mix them."""
    return (ORIGIN + path, path, WWW_ORIGIN + path)[i % 3]


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=None).replace("</", "<\\/")
    return f'<script type="application/ld+json" class="yoast-schema-graph">{text}</script>'


def _analytics(site: Site) -> str:
    queue, tracking_id = site.chrome.script_markers
    return (
        f"<script>window.{queue}=window.{queue}||[];{queue}.push(['config','{tracking_id}']);"
        "function replicaTrack(e){window.replicaAnalyticsQueue.push(['event',e]);}</script>"
    )


# --- page frame ----------------------------------------------------------------------------------
def _head(site: Site, *, title: str, canonical: str | None, meta: str = "", extra: str = "") -> str:
    link = f'<link rel="canonical" href="{esc(canonical)}">\n' if canonical else ""
    return (
        f'<head>\n<meta charset="UTF-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} - {esc(site.chrome.site_name)}</title>\n"
        f"{link}"
        f'<link rel="alternate" type="application/rss+xml" title="Euromaidan Press &raquo; Feed" '
        f'href="{ORIGIN}/feed/">\n{meta}{extra}<style>{STYLE}</style>\n{_analytics(site)}\n</head>'
    )


def _menu(site: Site, css: str, label: str) -> str:
    items = "".join(
        f'<li class="menu-item"><a href="{esc(n.href)}">{esc(n.label)}</a></li>' for n in site.chrome.nav
    )
    return f'<nav class="{css}" aria-label="{label}"><ul class="menu">{items}</ul></nav>'


def _header(site: Site) -> str:
    social = "".join(f'<a class="social" href="{s}" aria-label="social"></a>' for s in SOCIAL)
    return (
        '<header id="masthead" class="site-header">'
        f'<a class="site-logo" href="{ORIGIN}/" rel="home"><img src="/wp-content/uploads/logo.png" '
        f'alt="{esc(site.chrome.site_name)}"></a>{_menu(site, "main-navigation desktop-menu", "Main")}'
        f'<div class="lang-switch"><a href="/">Eng</a> <a href="{ORIGIN}/es/">Esp</a></div>{social}'
        f"{_menu(site, 'mobile-menu off-canvas', 'Mobile')}</header>"
    )


def _patron_box(site: Site) -> str:
    c = site.chrome
    parts = [
        f"<h2>{esc(h)}</h2><p>{esc(t)}</p>" for h, t in zip(c.patron_headings, c.patron_texts, strict=True)
    ]
    return (
        f'<div id="patron-modal" class="patron-modal">{parts[0]}'
        '<a href="https://www.patreon.com/euromaidanpress_example">Become a patron</a>'
        f'{parts[1]}<form class="patron-code"><input name="code"><button>Submit</button></form>{parts[2]}</div>'
    )


def _news_feed(site: Site, template: str) -> str:
    label = esc(site.chrome.news_feed_label)
    rows = []
    for i, a in enumerate(site.news_feed()):
        href = _link_style(i, a.path) + (f"?{a.sidebar_query}" if a.sidebar_query else "")
        if template == "classic":
            rows.append(
                f'<div class="td_module_wrap"><p class="entry-title td-module-title">'
                f'<a href="{esc(href)}">{esc(a.title)}</a></p>'
                f'<span class="td-post-date">{date_text(a.published_at)}</span></div>'
            )
        else:
            rows.append(
                f'<li><a href="{esc(href)}">{esc(a.title)}</a> '
                f'<time datetime="{a.published_at.isoformat()}">{date_text(a.published_at)}</time></li>'
            )
    if template == "classic":
        return (
            f'<div class="td_block_wrap td_block_news_feed"><h2 class="block-title"><span>{label}</span></h2>'
            f"{''.join(rows)}</div>"
        )
    return f'<section class="widget latest-rail"><h2 class="widget-title">{label}</h2><ul>{"".join(rows)}</ul></section>'


def _sidebar(site: Site, template: str) -> str:
    c = site.chrome
    fundraiser = (
        f'<div class="fundraiser-box"><p><strong>{esc(c.fundraiser_title)}</strong></p>'
        f"<p>{esc(c.fundraiser_text)}</p>"
        f'<a class="button" href="{ORIGIN}/lets-support-ukraine/?swcfpc=1">{esc(c.fundraiser_link_label)}</a>'
        "</div>"
    )
    newsletter = (
        f'<div class="newsletter-box"><p class="newsletter-title">{esc(c.newsletter_title)}</p>'
        f'<p>{esc(c.newsletter_text)}</p><form action="/newsletter/subscribe/" method="post">'
        '<label for="nl-email">Email</label> <input id="nl-email" type="email" name="email" required> '
        '<button type="submit">Subscribe</button></form></div>'
    )
    css = "td-main-sidebar td-pb-span4" if template == "classic" else "sidebar widget-area"
    return f'<aside class="{css}">{_news_feed(site, template)}{fundraiser}{newsletter}</aside>'


def _footer(site: Site) -> str:
    c = site.chrome
    links = " ".join(f'<a href="{esc(n.href)}">{esc(n.label)}</a>' for n in c.footer_links)
    texts = "".join(f"<p>{esc(t)}</p>" for t in c.footer_texts)
    return (
        f'<footer class="site-footer"><nav class="footer-menu">{links}</nav>{texts}'
        f"<p>Copyright © 2026 {esc(c.site_name)}</p></footer>"
    )


def document(site: Site, *, head: str, body_class: str, main: str, template: str = "classic") -> str:
    """The whole page: header with both menus, main column, patron box, sidebar, footer, scripts."""
    return (
        f'<!DOCTYPE html>\n<html lang="en-US" prefix="og: https://ogp.me/ns#">\n{head}\n'
        f'<body class="{body_class}">\n{_header(site)}\n<div id="page" class="site-content">\n{main}\n'
        f"{_patron_box(site)}\n{_sidebar(site, template)}\n</div>\n{_footer(site)}\n"
        "<script>document.documentElement.className+=' js';replicaTrack('pageview');</script>\n"
        "</body>\n</html>\n"
    )


# --- articles ------------------------------------------------------------------------------------
def _href(site: Site, href: str) -> str:
    return ORIGIN + site.article(href[1:]).path if href.startswith("@") else href


def _paragraph(site: Site, p: Paragraph) -> str:
    inner = esc(p.text)
    if p.link_text:
        inner += f'<a href="{esc(_href(site, p.href))}">{esc(p.link_text)}</a>{esc(p.tail)}'
    return f'<blockquote class="wp-block-quote"><p>{inner}</p></blockquote>' if p.quote else f"<p>{inner}</p>"


def body_html(site: Site, article: Article) -> str:
    out = []
    for kind, value in article.blocks():
        if kind == "p":
            assert isinstance(value, Paragraph)
            out.append(_paragraph(site, value))
        elif kind == "read_also":
            assert isinstance(value, Ref)
            target = site.resolve(value)
            if target is not None:
                out.append(
                    f"<p><strong>{esc(site.chrome.read_also_label)}:</strong> "
                    f'<a href="{esc(site.ref_url(value))}">{esc(target.title)}</a></p>'
                )
        else:
            out.append(f'<{kind} class="wp-block-heading">{esc(str(value))}</{kind}>')
    return "\n".join(out)


def _meta_tags(site: Site, a: Article) -> str:
    if a.metadata_style == "visible":
        return ""
    tags = [
        ("name", "description", a.subtitle),
        ("property", "og:locale", "en_US"),
        ("property", "og:type", "article"),
        ("property", "og:title", a.title),
        ("property", "og:description", a.subtitle),
        ("property", "og:url", a.url),
        ("property", "og:site_name", site.chrome.site_name),
        ("property", "article:section", a.section.name),
        *(("property", "article:tag", t.name) for t in a.tags),
        ("property", "article:published_time", a.published_at.isoformat()),
        ("property", "article:modified_time", a.modified.isoformat()),
        ("property", "og:image", f"{ORIGIN}/wp-content/uploads/{a.published_at:%Y/%m}/{a.slug}.jpg"),
        ("name", "author", ", ".join(au.name for au in a.authors)),
        ("name", "twitter:card", "summary_large_image"),
    ]
    return "".join(f'<meta {k}="{n}" content="{esc(v)}">\n' for k, n, v in tags)


def _jsonld(site: Site, a: Article) -> str:
    if a.metadata_style != "jsonld":
        return ""
    news = {
        "@type": "NewsArticle",
        "@id": f"{a.url}#article",
        "headline": a.title,
        "description": a.subtitle,
        "datePublished": a.published_at.isoformat(),
        "dateModified": a.modified.isoformat(),
        "author": [{"@type": "Person", "name": au.name, "url": ORIGIN + au.path} for au in a.authors],
        "articleSection": [a.section.name],
        "keywords": [t.name for t in a.tags],
        "inLanguage": "en-US",
        "mainEntityOfPage": {"@id": a.url},
        "publisher": {"@type": "Organization", "name": site.chrome.site_name, "url": f"{ORIGIN}/"},
    }
    if a.template == "modern":
        return _json_script({"@context": "https://schema.org", **news}) + "\n"
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{ORIGIN}/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": a.section.name,
                "item": f"{ORIGIN}/category/{a.section.slug}/",
            },
            {"@type": "ListItem", "position": 3, "name": a.title},
        ],
    }
    page = {"@type": "WebPage", "@id": a.url, "url": a.url, "name": f"{a.title} - {site.chrome.site_name}"}
    return _json_script({"@context": "https://schema.org", "@graph": [news, page, crumbs]}) + "\n"


def _byline(a: Article, *, with_time: bool) -> str:
    names = " and ".join(f'<a rel="author" href="{ORIGIN}{au.path}">{esc(au.name)}</a>' for au in a.authors)
    shown = date_text(a.published_at)
    date = (
        f'<time class="entry-date published" datetime="{a.published_at.isoformat()}">{shown}</time>'
        if with_time
        else f'<span class="article__date">{shown}</span>'
    )
    return f'<span class="byline">by {names}</span> {date}'


def _related(site: Site, a: Article, css: str) -> str:
    items = "".join(
        f'<h3 class="{css}__item"><a href="{esc(site.ref_url(r))}">{esc(t.title)}</a></h3>'
        for r in a.read_also
        if (t := site.resolve(r)) is not None
    )
    return (
        f'<div class="{css}"><h2 class="{css}__title">{esc(site.chrome.read_also_label)}</h2>{items}</div>'
        if items
        else ""
    )


def article_page(site: Site, a: Article) -> str:
    c = site.chrome
    head = _head(
        site,
        title=a.title,
        canonical=a.url,
        meta=_meta_tags(site, a),
        extra=f'<link rel="shortlink" href="{a.shortlink}">\n{_jsonld(site, a)}',
    )
    figure = (
        f'<figure class="wp-caption"><img src="/wp-content/uploads/{a.published_at:%Y/%m}/{a.slug}.jpg" '
        f'alt="" width="1200" height="800"><figcaption class="wp-caption-text">{esc(a.caption)}</figcaption>'
        "</figure>"
    )
    section = f'<a href="{ORIGIN}/category/{a.section.slug}/">{esc(a.section.name)}</a>'
    gnews = f'<a class="gnews" href="https://news.google.com/publications/replica-example">{esc(c.google_news_label)}</a>'
    forum = f'<a class="forum-link" href="https://community.euromaidanpress.com/t/{a.slug}/{a.id}">{esc(c.forum_label)}</a>'
    correction = (
        f'<p class="correction">{esc(c.correction_text)}: '
        '<a href="mailto:corrections@replica.example">corrections@replica.example</a></p>'
    )
    share_url = quote(a.url, safe="")
    share = (
        f'<div class="share"><a href="https://www.facebook.com/sharer.php?u={share_url}">Facebook</a> '
        f'<a href="https://x.com/intent/post?url={share_url}">X</a></div>'
    )
    tags = "".join(f'<li><a href="{ORIGIN}/tags/{t.slug}/" rel="tag">{esc(t.name)}</a></li>' for t in a.tags)
    body = body_html(site, a)
    script = ""
    if a.protection in ("js_body", "js_probe"):  # the text arrives with JavaScript only
        script, body = challenge.body_script(a, body), ""
    if a.template == "classic":
        main = (
            f'<div class="td-main-content-wrap"><article id="post-{a.id}" class="post-{a.id} post type-post">'
            f'<div class="td-post-header"><ul class="td-category"><li class="entry-category">{section}</li></ul>'
            f'<header class="td-post-title"><h1 class="entry-title">{esc(a.title)}</h1>'
            f'<p class="td-post-sub-title">{esc(a.subtitle)}</p>'
            f'<div class="td-module-meta-info">{_byline(a, with_time=True)}</div></header></div>{gnews}'
            f'<div class="td-post-featured-image">{figure}</div>'
            f'<div class="td-post-content tagdiv-type">\n{body}\n</div>{script}{_related(site, a, "read-also")}'
            f'{forum}{correction}{share}<footer><ul class="td-tags"><li><span>TAGS</span></li>{tags}</ul>'
            "</footer></article></div>"
        )
    else:
        main = (
            f'<main id="main" class="site-main"><article class="single-article" data-post="{a.id}">'
            f'<nav class="breadcrumbs" aria-label="Breadcrumb">{section}</nav>'
            f'<h1 class="article__title">{esc(a.title)}</h1><div class="article__lead">{esc(a.subtitle)}</div>'
            f'<div class="article__meta">{_byline(a, with_time=a.metadata_style == "visible")}</div>'
            f'{gnews}{figure}<div class="article__text">\n{body}\n</div>{script}'
            f'<ul class="article__tags">{tags}</ul>{share}{forum}</article>'
            f"{_related(site, a, 'related-posts')}{correction}</main>"
        )
    body_class = f"post-template-default single single-post postid-{a.id} single-format-standard"
    return document(site, head=head, body_class=body_class, main=main, template=a.template)


# --- hubs ----------------------------------------------------------------------------------------
def _teasers(articles: list[Article]) -> str:
    return "".join(
        f'<div class="td_module_flex td-module-container"><h3 class="entry-title td-module-title">'
        f'<a href="{esc(_link_style(i, a.path))}" rel="bookmark">{esc(a.title)}</a></h3>'
        f'<div class="td-editor-date"><span class="td-post-author-name">'
        f'<a href="{ORIGIN}{a.authors[0].path}">{esc(a.authors[0].name)}</a></span> '
        f'<time datetime="{a.published_at.isoformat()}">{date_text(a.published_at)}</time></div>'
        f'<div class="td-excerpt">{esc(a.subtitle)}</div></div>'
        for i, a in enumerate(articles)
    )


def listing_page(
    site: Site,
    *,
    title: str,
    base: str,
    articles: list[Article],
    page: int = 1,
    pages: int = 1,
    body_class: str = "archive",
) -> str:
    """A hub page (category, tag, author, home): teasers, pagination with rel=prev/next, sidebar."""
    url = ORIGIN + base + (f"page/{page}/" if page > 1 else "")

    def page_path(n: int) -> str:
        return base + (f"page/{n}/" if n > 1 else "")

    rels = "".join(
        f'<link rel="{rel}" href="{ORIGIN}{page_path(n)}">\n'
        for rel, n in (("prev", page - 1), ("next", page + 1))
        if 1 <= n <= pages
    )
    meta = (
        f'<meta property="og:type" content="website">\n<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="og:url" content="{url}">\n'
    )
    graph = _json_script(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "CollectionPage", "@id": url, "url": url, "name": title, "inLanguage": "en-US"}
            ],
        }
    )
    nav = ""
    if pages > 1:
        links = (
            [f'<a class="prev page-numbers" rel="prev" href="{page_path(page - 1)}">Previous</a>']
            if page > 1
            else []
        )
        links += [
            f'<span class="current">{n}</span>'
            if n == page
            else f'<a class="page-numbers" href="{page_path(n)}">{n}</a>'
            for n in range(1, pages + 1)
        ]
        if page < pages:
            links.append(f'<a class="next page-numbers" rel="next" href="{page_path(page + 1)}">Next</a>')
        nav = f'<div class="page-nav td-pb-padding-side">{" ".join(links)}</div>'
    main = (
        f'<div class="td-main-content-wrap td-category-grid"><h1 class="entry-title td-page-title">{esc(title)}</h1>'
        f"{_teasers(articles) or '<p>Nothing found.</p>'}{nav}</div>"
    )
    return document(
        site,
        head=_head(site, title=title, canonical=url, meta=meta, extra=rels + graph + "\n"),
        body_class=body_class,
        main=main,
    )


def category_page(site: Site, slug: str, page: int = 1) -> str | None:
    category = site.category(slug)
    all_articles = site.category_articles(slug)
    pages = site.page_count(all_articles)
    if category is None or not 1 <= page <= pages:
        return None
    return listing_page(
        site,
        title=category.name,
        base=f"/category/{slug}/",
        page=page,
        pages=pages,
        articles=site.category_page(slug, page),
        body_class=f"archive category category-{slug}",
    )


def tag_page(site: Site, slug: str) -> str | None:
    tag = site.tags().get(slug)
    if tag is None:
        return None
    return listing_page(
        site,
        title=f"Tag: {tag.name}",
        base=f"/tags/{slug}/",
        articles=site.tag_articles(slug),
        body_class=f"archive tag tag-{slug}",
    )


def author_page(site: Site, slug: str) -> str | None:
    author = site.authors().get(slug)
    if author is None:
        return None
    return listing_page(
        site,
        title=f"Articles by {author.name}",
        base=f"/author/{slug}/",
        articles=site.author_articles(slug),
        body_class=f"archive author author-{slug}",
    )


def home_page(site: Site) -> str:
    return listing_page(
        site, title="Top stories", base="/", articles=site.home_articles(), body_class="home blog"
    )


def static_page(site: Site, slug: str) -> str | None:
    page = site.pages.get(slug)
    if page is None:
        return None
    url = f"{ORIGIN}/{slug}/"
    text = "".join(f"<p>{esc(p)}</p>" for p in page.paragraphs)
    main = f'<main class="page-content"><h1 class="entry-title">{esc(page.title)}</h1>{text}</main>'
    meta = f'<meta property="og:type" content="website">\n<meta property="og:url" content="{url}">\n'
    return document(
        site,
        head=_head(site, title=page.title, canonical=url, meta=meta),
        body_class=f"page-template-default page page-{slug}",
        main=main,
    )


def not_found_page(site: Site) -> str:
    main = (
        '<main class="error-404 not-found"><h1 class="page-title">Page not found</h1>'
        "<p>The page you asked for does not exist here, or it has moved.</p></main>"
    )
    return document(
        site, head=_head(site, title="Page not found", canonical=None), body_class="error404", main=main
    )
