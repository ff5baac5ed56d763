"""Subscription, login and "continue reading" prompts: never body, in any language.

A paywalled page serves the first paragraphs and, after them, a box asking the reader to subscribe or log
in. The body is what is served; the box is not. It is found by evidence, strongest first:

- schema.org paywall markup: the article's ``hasPart`` ``WebPageElement`` with ``isAccessibleForFree``
  false names the gated part by ``cssSelector``; what the page serves there is body, but a prompt in it is
  recognised with the weaker hints below;
- a small box (at most PROMPT_WORDS words, never the headline's, never the article container) around a
  link or form that leads to a subscription, login, account or checkout URL: a short path segment (or
  host label) naming one (``/abo/``, ``/subscribe``, ``/konto/login``, ``checkout.example``), or a query that
  carries this page's own URL back (``?return=<this page>``: a login or paywall flow, in any language);
- a small box whose class or id names a paywall (``paywall``, ``regwall``, ``piano``, Piano's ``tp-``...);
- on a page that is not free (its metadata says so, or the evidence above found a prompt), a box around a
  button at the end of the text, and, last, trailing short paragraphs of the body holding a word of a small
  multilingual vocabulary (a hint only, and only there).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import cast
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml.cssselect import SelectorError
from lxml.html import HtmlElement

from newsmon.extract import xpaths
from newsmon.extract.guard import count_words
from newsmon.extract.jsonld import JsonLd
from newsmon.extract.text import normalize_space, text_of

logger = logging.getLogger(__name__)

PROMPT_WORDS = 80  # a prompt box holds at most this many words
PROMPT_LEVELS = 4  # ancestors of a prompt link tried as its box
STEP_WORDS = 20  # a box grows by at most this many words a level (the prompt's own lines, not the text)
TRAILING_WORDS = 25  # a trailing body paragraph this short may be a prompt (vocabulary hint)
TRAILING_PARAGRAPHS = 3  # trailing paragraphs looked at
# URL path segments (split at - _ .) and host labels that name a subscription, login, account or checkout
# page, in a segment of at most two tokens (an article slug that mentions "login" has more): a token equal
# to one of URL_WORDS, or starting with one of URL_STEMS.
URL_WORDS = frozenset(
    {
        "abo", "login", "logon", "signin", "signup", "register", "account", "accounts", "konto", "compte",
        "cuenta", "conta", "checkout", "kasse", "paywall", "premium", "membership", "connexion", "accedi",
        "entrar", "zaloguj", "subscribe", "subscription", "subscriptions",
    }
)  # fmt: skip
URL_STEMS = ("subscri", "abonn", "abbon", "suscri", "assinatur", "assine", "prenumer", "predplat", "tilaa",
             "registr", "anmeld")  # fmt: skip
CLASS_TOKENS = frozenset(
    {"paywall", "regwall", "piano", "metered", "subscriber-only", "subscribers-only", "premium-wall"}
)
CLASS_PREFIXES = ("tp-", "paywall", "regwall")  # Piano's templates: tp-modal, tp-container, tp-backdrop
# The last hint: prompt words in some languages (lower case, matched as substrings of a short trailing
# paragraph of a page that is not free).
VOCABULARY = (
    "subscribe", "subscription", "subscriber", "sign in", "log in", "continue reading", "already a member",
    "abonn", "weiterlesen", "anmelden", "einloggen", "lire la suite", "connectez-vous", "se connecter",
    "suscr", "inicia sesión", "iniciar sesión", "seguir leyendo", "abbona", "accedi", "continua a leggere",
    "assine", "assinante", "continue lendo", "prenumer", "subskryp", "zaloguj", "czytaj dalej", "lees verder",
    "inloggen", "logga in", "log ind", "logg inn", "tilaa", "kirjaudu", "předplat", "přihlas", "abone ol",
    "giriş yap", "підпис", "передплат", "увійти", "подпис", "войти",
    "購読", "ログイン", "订阅", "登录", "訂閱",
)  # fmt: skip
_TOKENS = re.compile(r"[-_.\s]+")
_STEM_HINTS = re.compile(  # link targets joined by NUL, after a NUL: a word follows a NUL or / . _ -
    r"[\x00/._-]" + xpaths.alternation({*URL_WORDS, *URL_STEMS})  # no "^|": twice as fast
)
_CSS_TOKENS = re.compile(r"[\s]+")
_BOX_TAGS = frozenset({"div", "section", "aside", "p", "form", "footer", "span", "figure", "ul", "li"})
_CONTAINERS = frozenset({"article", "main", "body", "html"})


def _names_prompt(part: str) -> bool:
    tokens = [token for token in _TOKENS.split(part.lower()) if token]
    return 0 < len(tokens) <= 2 and any(token in URL_WORDS or token.startswith(URL_STEMS) for token in tokens)


def prompt_url(href: str, page_url: str) -> bool:
    """``href`` leads to a subscription, login, account or checkout page, or carries ``page_url`` back."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https", ""):
        return False
    host_labels = (parts.hostname or "").split(".")[:-2]  # subdomains only: abo.example.de, login.example.com
    if any(_names_prompt(label) for label in host_labels):
        return True
    if any(_names_prompt(segment) for segment in parts.path.split("/") if segment):
        return True
    if parts.query and page_url:  # a flow on the site itself (share links carry the URL to other sites)
        page = urlsplit(page_url)
        same_site = not parts.netloc or _site(parts.hostname) == _site(page.hostname)
        query = unquote(unquote(parts.query))
        return same_site and bool(page.path.strip("/")) and f"{page.netloc}{page.path}" in query
    return False


def _site(host: str | None) -> str:
    return ".".join((host or "").lower().split(".")[-2:])


def _class_names_paywall(names: str) -> bool:
    """A class or id token (lower case ``names``) names a paywall."""
    return any(t in CLASS_TOKENS or t.startswith(CLASS_PREFIXES) for t in _CSS_TOKENS.split(names) if t)


def _box(start: HtmlElement, keep: set[HtmlElement]) -> HtmlElement | None:
    """The largest ancestor-or-self of ``start`` (PROMPT_LEVELS up) with at most PROMPT_WORDS words, no
    headline, not one of ``keep`` (the article container and its ancestors), and each step up adding at
    most STEP_WORDS words: a box that grew into the served paragraphs beside it would take them along."""
    box = None
    below = 0  # words of the element the climb comes from
    for level, element in enumerate([start, *start.iterancestors()]):
        if level > PROMPT_LEVELS or element in keep or element.tag in _CONTAINERS:
            break
        words = count_words(text_of(element))
        if (
            element.find(".//h1") is not None
            or words > PROMPT_WORDS
            or (level and words - below > STEP_WORDS)
        ):
            break
        below = words
        if element.tag in _BOX_TAGS or element is start:
            box = element
    return box


def gated_parts(tree: HtmlElement, jsonld: JsonLd) -> list[HtmlElement]:
    """The elements the article's schema.org paywall markup names (``hasPart`` with ``isAccessibleForFree``
    false, by ``cssSelector``)."""
    parts = (jsonld.article or {}).get("hasPart")
    found: list[HtmlElement] = []
    for part in parts if isinstance(parts, list) else [parts]:
        if not isinstance(part, dict) or str(part.get("isAccessibleForFree")).lower() not in ("false", "0"):
            continue
        selector = part.get("cssSelector")
        if not isinstance(selector, str) or not selector.strip():
            continue
        try:
            found.extend(tree.cssselect(selector))
        except (SelectorError, etree.XPathError):
            logger.debug("Unusable paywall cssSelector %r", selector)
    return found


# every class and id value (a token of either may name a paywall), as plain strings: values repeat, each
# distinct one is tested once, and only the elements of a value that names a paywall are looked up. Two
# paths, not their union: the values go into a set, and the union's sort into document order cost a third
_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
_IDS = etree.XPath("descendant-or-self::*/@id", smart_strings=False)
_NAMED = etree.XPath("descendant-or-self::*[@class = $value or @id = $value]")


def _paywall_names(values: Sequence[str]) -> list[str]:
    """The class or id values with a token naming a paywall: one regular expression pass over all of them
    (joined by NUL, which no attribute value holds) finds the few worth splitting into tokens."""
    lowered = [value.lower() for value in values]  # a case-blind pattern runs four times slower
    joined = "\x00".join(lowered)
    ends = list(accumulate(len(value) + 1 for value in lowered))  # where each value's separator ends
    hits = {bisect_right(ends, match.start()) for match in xpaths.PAYWALL_HINT.finditer(joined)}
    return [values[i] for i in sorted(hits) if _class_names_paywall(lowered[i])]


def _skipped(
    element: HtmlElement, skip: set[HtmlElement] | frozenset[HtmlElement], region: HtmlElement
) -> bool:
    """``element`` is in one of the ``skip`` subtrees of ``region``."""
    if not skip:
        return False
    while element is not None:
        if element in skip:
            return True
        if element is region:
            return False
        element = element.getparent()
    return False


def _hinted_targets(targets: Sequence[str], slug: str) -> list[int]:
    """Indexes of the link targets worth taking apart: a URL word or stem in them, or this page's slug in
    their query (a cheap test before ``prompt_url``: one regular expression pass over all of them)."""
    joined = "\x00" + "\x00".join(targets).lower()  # the leading NUL: a word may start the first target
    ends = list(accumulate(len(target) + 1 for target in targets))  # where each target's separator ends
    hits = {bisect_right(ends, match.end() - 2) for match in _STEM_HINTS.finditer(joined)}
    if slug:
        hits.update(
            i for i, target in enumerate(targets) if "?" in target and slug in target.lower().split("?", 1)[1]
        )
    return sorted(hits)


def prompt_boxes(
    tree: HtmlElement,
    url: str,
    *,
    paywalled: bool,
    container: HtmlElement | None,
    gated: Iterable[HtmlElement],
    skip: set[HtmlElement] | frozenset[HtmlElement] = frozenset(),
) -> set[HtmlElement]:
    """The prompt boxes of the page (see the module docstring); ``paywalled``: the page says it is not
    free; ``container``: the article container (never a prompt, nor its ancestors; prompts are looked for
    in its parent, the whole page when there is none); ``skip``: subtrees not looked into (boilerplate
    containers the extractor prunes anyway)."""
    keep: set[HtmlElement] = {container, *container.iterancestors()} if container is not None else set()
    # prompts sit in the article container or beside it (navigation and footers are pruned anyway): looked
    # for there, a fraction of the page
    region = container.getparent() if container is not None else None
    if region is None or region.tag in ("body", "html"):
        region = tree
    boxes: set[HtmlElement] = set()
    slug = next((segment for segment in reversed(urlsplit(url).path.split("/")) if segment), "").lower()
    # candidates found in C (XPath) rather than by visiting every element of the region in Python
    # ``descendant-or-self::a/@href | descendant-or-self::form/@action`` by a walk in C: the XPath made a
    # string object knowing its parent for every link
    targets: list[str] = []
    owners: list[HtmlElement] = []
    for element in region.iter("a", "form"):
        target = element.get("href" if element.tag == "a" else "action")
        if target is not None:
            targets.append(target)
            owners.append(element)
    for index in _hinted_targets(targets, slug):
        target, element = targets[index], owners[index]
        if prompt_url(target.strip(), url) and not _skipped(element, skip, region):
            box = _box(element, keep)
            if box is not None:
                boxes.add(box)
    values = {*cast("list[str]", _CLASSES(region)), *cast("list[str]", _IDS(region))}
    for value in _paywall_names(list(values)):
        for element in cast("list[HtmlElement]", _NAMED(region, value=value)):
            if element not in keep and not _skipped(element, skip, region):
                box = _box(element, keep)
                if box is not None:
                    boxes.add(box)
    if paywalled or boxes:
        for part in gated:
            for button in part.iter("button"):
                box = _box(button, keep | {part})
                if box is not None:
                    boxes.add(box)
    # the outermost boxes only
    return {box for box in boxes if not any(ancestor in boxes for ancestor in box.iterancestors())}


def without_trailing_prompts(body: str) -> str:
    """``body`` without its last short paragraphs (up to TRAILING_PARAGRAPHS) that hold a prompt word: on a
    page that is not free, "Subscribe to continue reading" after the served text (the last hint)."""
    paragraphs = body.split("\n\n")
    for _ in range(TRAILING_PARAGRAPHS):
        if len(paragraphs) < 2:
            break
        last = normalize_space(paragraphs[-1]).lower()
        if count_words(last) > TRAILING_WORDS or not any(word in last for word in VOCABULARY):
            break
        paragraphs.pop()
    return "\n\n".join(paragraphs)
