"""The replica on a real socket: the shared quiet test server (tests/site_server.py) with the replica's
routes, feed modes and an optional bot wall in front of every page."""

from __future__ import annotations

from collections.abc import Mapping

from tests.site_server import RequestRecord, SiteServer

from .app import HTML, Reply, handle
from .challenge import CHALLENGE_PAGE
from .model import FEED_MODES, Site, build_default_site

__all__ = ["ReplicaServer", "RequestRecord"]


class ReplicaServer(SiteServer):
    """`with ReplicaServer() as replica:` serves the default site at replica.base_url until the block ends."""

    def __init__(
        self,
        site: Site | None = None,
        *,
        feed_mode: str = "ok",
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        wall: bool = False,
    ) -> None:
        super().__init__(host=host, port=port, delay=delay)
        self.site = site if site is not None else build_default_site()
        self.feed_mode = feed_mode
        self.wall = wall  # every page but robots.txt is a 403 JavaScript challenge (settable while serving)

    @property
    def feed_mode(self) -> str:
        return self._feed_mode

    @feed_mode.setter
    def feed_mode(self, mode: str) -> None:
        if mode not in FEED_MODES:
            raise ValueError(f"unknown feed_mode {mode!r}; one of {', '.join(FEED_MODES)}")
        self._feed_mode = mode

    def respond(self, target: str, headers: Mapping[str, str]) -> Reply:
        if self.wall and not target.startswith("/robots.txt"):  # a site behind a bot wall
            return Reply(403, CHALLENGE_PAGE.encode("utf-8"), HTML, {"cf-mitigated": "challenge"})
        return handle(self.site, target, headers, feed_mode=self.feed_mode)
