"""Downloader middleware: refuse requests to private, loopback, link-local and other non-public addresses.

Every request passes here, each redirect hop and retry included (they go through the downloader
middlewares again), before robots.txt is asked and before any connection is made. A request is refused
when its URL scheme is not http(s), or when its host is, or resolves to, an address that is not
globally routable (private 10/8, 172.16/12, 192.168/16, loopback, link-local 169.254/16 with the cloud
metadata address, CGNAT 100.64/10, unique-local and link-local IPv6, multicast, unspecified, reserved).

Two exceptions: the crawl origin itself (the host and port the site configuration or ``base_url`` names,
e.g. the replica on 127.0.0.1:8080), and hosts or networks listed in ``NEWSMON_SSRF_ALLOWED_HOSTS``.
Another name or port for the origin's address is not the origin: ``localhost`` is refused when the
origin is ``127.0.0.1``, and so is ``127.0.0.1:6379``.

Names are resolved with the resolver Scrapy connects with (``reactor.resolve``, Scrapy's caching threaded
resolver): the lookup runs in a thread, is cached per host, and the connection later uses the same cached
address, so the check and the connection agree.

The rule (``SsrfRule``) also guards the browser tier: ``newsmon.fetch.browser_guard`` applies it to every
request Chromium makes, and this middleware checks the URL a browser page finally showed.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future

from newsmon.context import CrawlContext
from newsmon.options import Option, Options
from newsmon.stats import SSRF_REFUSED

OPTIONS = Options(
    Option(
        "NEWSMON_SSRF_GUARD",
        True,
        "refuse requests (every redirect hop and retry included) to non-http(s) schemes and to hosts that "
        "are or resolve to private, loopback, link-local, CGNAT, multicast or other non-public addresses, "
        "except the crawl origin's own host and port ([Hostile input](../hostile-input.md))",
    ),
    Option(
        "NEWSMON_SSRF_ALLOWED_HOSTS",
        [],
        "host names, IP addresses or CIDR networks the SSRF guard lets through anyway (e.g. an intranet "
        "site's other hosts)",
    ),
)

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class SsrfRefused(IgnoreRequest):
    """A request the SSRF guard refused (a subclass, so errbacks can tell it from other ignores)."""


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not private, loopback, link-local, CGNAT, multicast, reserved, ..."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class SsrfConfig:
    """The guard's settings, parsed and checked once."""

    allowed_hosts: frozenset[str]  # host names (lower case) allowed whatever they resolve to
    allowed_networks: tuple[IPNetwork, ...]  # addresses allowed even when not public

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SsrfConfig:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in OPTIONS.getlist(settings, "NEWSMON_SSRF_ALLOWED_HOSTS"):
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if "/" in entry or ":" in entry:
                    raise ValueError(
                        f"NEWSMON_SSRF_ALLOWED_HOSTS: {entry!r} is neither a host name nor an IP "
                        "address/network (no scheme or port)"
                    ) from None
                hosts.add(entry)
        return cls(allowed_hosts=frozenset(hosts), allowed_networks=tuple(networks))

    def allows(self, host: str, address: IPAddress | None) -> bool:
        if host in self.allowed_hosts:
            return True
        return address is not None and any(address in net for net in self.allowed_networks)


def origin_of(url: str) -> tuple[str, int] | None:
    """(host, port) of a crawl origin URL, default ports filled in."""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in DEFAULT_PORTS:
        return None
    return parts.hostname.lower(), parts.port or DEFAULT_PORTS[parts.scheme]


@dataclass(frozen=True)
class Refusal:
    """Why a URL is refused: its host (and port) and the address or reason, as the log names them."""

    host: str
    address: str


class SsrfRule:
    """The SSRF rule itself, shared by the PLAIN guard (this module's middleware) and the browser guard
    (``newsmon.fetch.browser_guard``, for every request Chromium makes): one rule, each component with its
    own instance and cache of resolved hosts.

    ``strict`` (the browser): a host that does not resolve is refused too. Chromium resolves names itself,
    so "the connection will fail the same way" cannot be taken for granted there; the answer is kept
    for ``NEGATIVE_TTL`` seconds so a page full of requests to a dead host costs one lookup.
    """

    NEGATIVE_TTL = 60.0

    def __init__(self, config: SsrfConfig, origin: tuple[str, int] | None = None) -> None:
        self.config = config
        self.origin = origin
        self.addresses: dict[str, IPAddress] = {}  # host -> the address it resolved to, this run
        self.unresolved: dict[str, float] = {}  # host -> monotonic time its failed lookup expires

    def bind(self, origin: str | None) -> None:
        """The crawl origin: the site configuration's or ``base_url`` (newsmon.context.crawl_origin)."""
        self.origin = origin_of(origin) if origin else None

    async def refusal(self, url: str, *, strict: bool = False) -> Refusal | None:
        """None when ``url`` may be requested, else why not."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        if scheme not in ALLOWED_SCHEMES:
            return Refusal(host or scheme + ":", f"{scheme}: scheme")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            return Refusal(host, "an invalid port")
        if self.origin is not None and (host, port) == self.origin:
            return None  # the site's own origin, wherever it lives
        address = ip_literal(host) or await self._resolve(host, strict)
        if address is None:
            return Refusal(f"{host}:{port}", "unresolved") if strict else None
        if is_public(address) or self.config.allows(host, address):
            return None
        return Refusal(f"{host}:{port}", str(address))

    async def _resolve(self, host: str, remember_failure: bool) -> IPAddress | None:
        """The address Scrapy will connect to (its resolver and DNS cache); None when it does not resolve
        (a PLAIN download then fails with the same DNS error and is counted as usual)."""
        cached = self.addresses.get(host)
        if cached is not None:
            return cached
        if self.unresolved.get(host, 0.0) > time.monotonic():
            return None
        from twisted.internet import reactor

        core: Any = reactor  # IReactorCore.resolve: Scrapy's installed resolver, with its DNS cache
        try:
            resolved = await maybe_deferred_to_future(core.resolve(host))
        except Exception:  # DNSLookupError, timeouts: not ours to judge
            resolved = None
        address = ip_literal(str(resolved)) if resolved is not None else None
        if address is not None:
            self.addresses[host] = address
        elif remember_failure:
            self.unresolved[host] = time.monotonic() + self.NEGATIVE_TTL
        return address


class SsrfGuard:
    def __init__(self, crawler: Crawler, config: SsrfConfig) -> None:
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self.rule = SsrfRule(config)
        self.context = CrawlContext.of(crawler)
        self.logged: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SsrfGuard:
        if not OPTIONS.getbool(crawler.settings, "NEWSMON_SSRF_GUARD"):
            raise NotConfigured("NEWSMON_SSRF_GUARD is off")
        guard = cls(crawler, SsrfConfig.from_settings(crawler.settings))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        return guard

    def spider_opened(self, spider: Spider) -> None:
        self.rule.bind(self.context.crawl_origin)

    async def process_request(self, request: Request) -> None:
        refusal = await self.rule.refusal(request.url)
        if refusal is not None:
            self._refuse(request.url, refusal)

    async def process_response(self, request: Request, response: Response) -> Response:
        """The page the browser finally showed (after redirects and script navigations, which Scrapy's
        redirect handling never saw) passes the same rule as a PLAIN redirect hop."""
        if response.url != request.url and "playwright" in response.flags:
            refusal = await self.rule.refusal(response.url, strict=True)
            if refusal is not None:
                self._refuse(response.url, refusal)
        return response

    def _refuse(self, url: str, refusal: Refusal) -> NoReturn:
        self.stats.inc_value(SSRF_REFUSED)
        if (refusal.host, refusal.address) not in self.logged:
            self.logged.add((refusal.host, refusal.address))
            logger.warning(
                "SSRF guard refused %s: %s is %s, not the site's own origin and not in "
                "NEWSMON_SSRF_ALLOWED_HOSTS (further requests to it are only counted)",
                url,
                refusal.host,
                refusal.address,
            )
        raise SsrfRefused(f"SSRF guard: {refusal.host} is {refusal.address}")
