"""Pathological article pages for the page budget: shapes that make trafilatura, justext or readability cost
seconds to minutes (tests/faults/test_page_budget.py, tests/test_extract_budget.py, bench/page_budget.py).

Each is a valid article (JSON-LD NewsArticle, headline, date, three real paragraphs) followed by the
pathological part, so a capped page still has an article to find. ``tag`` makes the text of two pages of
the same shape differ (in-run dedupe compares bodies).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.faults.pages import PARAGRAPHS, article_html


def _with_tail(title: str, tail: str) -> bytes:
    return article_html(title, paragraphs=PARAGRAPHS).replace("</article>", tail + "</article>").encode()


def links_in_one_paragraph(links: int, tag: str = "") -> bytes:
    """One paragraph of prose with ``links`` links in it (without the fast path, on a 2-CPU VM: 10k links
    9 s, 20k 62 s; the issue measured 2.5k: 0.4 s, 10k: 19 s, 20k: 86 s, 100k: > 4 min). Enough words
    around the links that trafilatura keeps the paragraph (a bare run of links it drops early, cheaply)."""
    sentences = "".join(
        f'Some words before <a href="/2026/03/11/farm{tag}-{i}/">link {i}</a> and after. '
        for i in range(links)
    )
    return _with_tail(f"Link farm {tag}{links}", f"<p>{sentences}</p>")


def short_paragraphs(size: int, tag: str = "") -> bytes:
    """``size`` bytes of short paragraphs (0.5 MB: 2 s, 2.1 MB: 28 s, 4.2 MB: 114 s, 14.7 MB: > 150 s)."""
    parts, total, i = [], 0, 0
    while total < size:
        part = f"<p>Short paragraph {tag}{i} of a very long page.</p>\n"
        parts.append(part)
        total += len(part)
        i += 1
    return _with_tail(f"Short paragraphs {tag}{size}", "".join(parts))


def short_divs(count: int, tag: str = "") -> bytes:
    """``count`` short divs in a row (justext's second opinion: 3,000 of them cost 3 s, 10,000: 24 s)."""
    blocks = "".join(f"<div>Short block {tag}{i} of the page.</div>\n" for i in range(count))
    return _with_tail(f"Short divs {tag}{count}", blocks)


def nested_links_in_one_paragraph(spans: int, links: int, tag: str = "") -> bytes:
    """One paragraph of ``spans`` spans of ``links`` links each (a flat cap on children misses it)."""
    inner = "".join(
        "<span>" + "".join(f'<a href="/n{tag}/{s}/{i}">w{i}</a> ' for i in range(links)) + "</span> "
        for s in range(spans)
    )
    return _with_tail(f"Nested links {tag}{spans}x{links}", f"<p>{inner}</p>")


def paragraphs_of_links(paragraphs: int, links: int, tag: str = "") -> bytes:
    """``paragraphs`` paragraphs of ``links`` links each."""
    body = "".join(
        "<p>" + "".join(f'<a href="/p{tag}/{p}/{i}">w{i}</a> ' for i in range(links)) + "</p>"
        for p in range(paragraphs)
    )
    return _with_tail(f"Paragraphs of links {tag}{paragraphs}x{links}", body)


def one_huge_paragraph(size: int, tag: str = "") -> bytes:
    """One paragraph of ``size`` bytes of words, no markup."""
    words = (f"lorem{tag} ipsum dolor sit amet " * (size // 27 + 1))[:size]
    return _with_tail(f"Huge paragraph {tag}{size}", f"<p>{words}</p>")


def many_attributes(count: int, tag: str = "", *, valued: bool = True) -> bytes:
    """One element of ``count`` attributes, 20 bytes each (8 without values), (issue 20: 40,000 of them,
    781 KB, cost 12.3 s of CPU in libxml2's parser, which checks each attribute against the ones before;
    200,000: over 78 s)."""
    shape = ' data-{0:05d}="v{0:05d}"' if valued else " d{0:06d}"
    attributes = "".join(shape.format(i) for i in range(count))
    return _with_tail(f"Attributes {tag}{count}", f"<div{attributes}>One more sentence of the page.</div>")


def attribute_tags(tags: int, attributes: int, tag: str = "") -> bytes:
    """``tags`` paragraphs of ``attributes`` attributes each (a cap per tag must also bound the page)."""
    one = "<p " + " ".join(f"a{i}" for i in range(attributes)) + ">x</p>"
    return _with_tail(f"Attribute tags {tag}{tags}x{attributes}", one * tags)


# name -> page: the cases (links in one paragraph, short paragraphs), then other shapes
PATHOLOGICAL: dict[str, Callable[[], bytes]] = {
    "links_2.5k": lambda: links_in_one_paragraph(2_500),
    "links_10k": lambda: links_in_one_paragraph(10_000),
    "links_20k": lambda: links_in_one_paragraph(20_000),
    "links_100k": lambda: links_in_one_paragraph(100_000),
    "short_0.5MB": lambda: short_paragraphs(500_000),
    "short_2.1MB": lambda: short_paragraphs(2_100_000),
    "short_4.2MB": lambda: short_paragraphs(4_200_000),
    "short_14.7MB": lambda: short_paragraphs(14_700_000),
    "divs_100k": lambda: short_divs(100_000),
    "nested_2000x50": lambda: nested_links_in_one_paragraph(2_000, 50),
    "paragraphs_200x500": lambda: paragraphs_of_links(200, 500),
    "huge_paragraph_4MB": lambda: one_huge_paragraph(4_000_000),
    "attributes_40k": lambda: many_attributes(40_000),
    "attributes_200k": lambda: many_attributes(200_000, valued=False),
    "attr_tags_1000x1000": lambda: attribute_tags(1_000, 1_000),
}
