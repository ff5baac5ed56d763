from newsmon.discovery.feeds import parse_feed

RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Invented Daily</title><link>https://news.example/</link>
<item><title>Dam inspectors file their report</title>
<link>https://news.example/2026/03/01/dam-report/?utm_source=rss&amp;utm_medium=rss</link>
<pubDate>Sun, 01 Mar 2026 10:15:00 +0200</pubDate></item>
<item><title>Relative link item</title><link>/2026/03/02/relative/</link></item>
<item><title>Duplicate</title><link>https://news.example/2026/03/01/dam-report/?utm_source=rss&amp;utm_medium=rss</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/"><title>A</title>
<entry><title>Entry one</title><link rel="alternate" href="posts/one/"/>
<updated>2026-03-01T08:00:00Z</updated>
<id>tag:x,1</id></entry></feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example/"><title>R</title><link>https://rdf.example/</link></channel>
<item rdf:about="https://rdf.example/a/"><title>Item A</title><link>https://rdf.example/a/</link></item>
</rdf:RDF>"""


def test_rss2_entries_absolute_deduped_with_dates():
    result = parse_feed(RSS2, "https://news.example/feed/")
    assert result.kind == "rss" and result.discovered_via == "rss"
    assert result.bozo_reason is None
    assert [e.url for e in result.entries] == [
        "https://news.example/2026/03/01/dam-report/?utm_source=rss&utm_medium=rss",
        "https://news.example/2026/03/02/relative/",
    ]
    assert result.entries[0].published_at == "2026-03-01T08:15:00+00:00"


def test_atom_relative_links_use_xml_base():
    result = parse_feed(ATOM, "https://atom.example/feed.atom")
    assert result.kind == "atom" and result.discovered_via == "atom"
    assert [e.url for e in result.entries] == ["https://atom.example/blog/posts/one/"]


def test_rss1_rdf():
    result = parse_feed(RDF, "https://rdf.example/index.rdf")
    assert result.kind == "rss"
    assert [e.url for e in result.entries] == ["https://rdf.example/a/"]


def test_malformed_feed_keeps_parseable_entries():
    broken = RSS2.replace(b"</channel></rss>", b"<item><title>cut <link>")
    result = parse_feed(broken, "https://news.example/feed/")
    assert result.bozo_reason
    assert len(result.entries) == 2


def test_html_is_not_a_feed():
    result = parse_feed(
        b"<!doctype html><html><body><p>Hello</p></body></html>",
        "https://x/feed/",
        "text/html; charset=utf-8",
    )
    assert result.kind == "" and not result.entries


def test_entity_expansion_is_not_performed():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;</title><item><title>&d;</title><link>https://x/a/</link></item></channel></rss>"""
    result = parse_feed(bomb, "https://x/feed/")
    assert all(len(e.title or "") < 10_000 for e in result.entries)


def test_the_language_a_feed_declares():
    """RSS <language>, Atom xml:lang, JSON Feed "language": discover's language (and timezone) when the pages
    declare none, or only a bare language."""
    rss = b'<rss version="2.0"><channel><language>zh-cn</language><item><link>/a/1</link></item>'
    rss += b"</channel></rss>"
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pt-BR"><entry><link href="/a"/></entry>'
    atom += b"</feed>"
    json_feed = b'{"version": "https://jsonfeed.org/version/1.1", "language": "ja", "items": []}'
    assert parse_feed(rss, "http://x.test/rss").language == "zh-cn"
    assert parse_feed(atom, "http://x.test/atom").language == "pt-BR"
    assert parse_feed(json_feed, "http://x.test/f", "application/feed+json").language == "ja"
    assert parse_feed(b'<rss version="2.0"><channel></channel></rss>', "http://x.test/rss").language is None
