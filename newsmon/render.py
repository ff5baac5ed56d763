"""Records as Markdown in the layout of the system newsmon replaces (# domain, ## Metadata, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_METADATA = (
    ("URL", "url"),
    ("Canonical URL", "canonical_url"),
    ("Domain", "domain"),
    ("Scraped at", "scraped_at"),
    ("HTTP Status", "http_status"),
    ("Fetcher tier", "fetcher_tier"),
    ("Fetch reason", "fetch_reason"),
    ("type", "type"),
    ("Discovered via", "discovered_via"),
    ("Referrer", "referrer"),
    ("Depth", "depth"),
    ("Spider", "spider"),
    ("Title", "title"),
    ("Subtitle", "subtitle"),
    ("Authors", "authors"),
    ("Section", "section"),
    ("Tags", "tags"),
    ("Language", "language"),
    ("Published at", "published_at"),
    ("Modified at", "modified_at"),
    ("Content hash", "content_hash"),
    ("Version", "version"),
)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def _outline(nodes: list[Mapping[str, Any]], indent: int, out: list[str]) -> None:
    stack = [(node, indent) for node in reversed(nodes)]
    while stack:  # iterative: a hostile outline cannot exhaust the recursion limit
        node, level = stack.pop()
        out.append(f"{'  ' * level}- {'#' * int(node['level'])} {node['text']}")
        stack.extend((child, level + 1) for child in reversed(node.get("children", [])))


def render_markdown(record: Mapping[str, Any]) -> str:
    out = [f"# {record.get('domain', '')}", "", "## Metadata", ""]
    for label, key in _METADATA:
        if key in record and record[key] not in (None, "", []):
            out.append(f"- **{label}**: {_value(record[key])}")
    out += ["", "## Page Structure", ""]
    _outline(record.get("structure", []), 0, out)
    out += ["", "## Content", "", *record.get("content", []), "", "## Links", ""]
    out += [f"- [{link['text']}]({link['url']})" for link in record.get("links", [])]
    out += ["", "## Article", "", record.get("body", "")]
    if record.get("read_also"):
        out += ["", "## Read also", ""]
        out += [f"- [{item['title'] or item['url']}]({item['url']})" for item in record["read_also"]]
    return "\n".join(out) + "\n"
