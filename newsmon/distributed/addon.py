"""Scrapy add-on: with NEWSMON_BACKEND=redis, the scheduler and dupefilter become the run's shared ones.

The state store and the host tier memory follow the same setting (newsmon/state/backend.py); the run
coordinator (coordinator.py) is added to EXTENSIONS here, in distributed mode only: redis and scrapy-redis
are the `redis` extra, never imported by a one-process crawl.
"""

from __future__ import annotations

import logging

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from newsmon import order
from newsmon.distributed import redact
from newsmon.distributed.config import DistributedConfig

logger = logging.getLogger(__name__)


class DistributedAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        config = DistributedConfig.from_settings(settings)  # ValueError names the bad setting
        if not config.enabled:
            return
        redact.install()  # before Scrapy logs the overridden settings
        # the run's workers, waiting for each other when idle, cleanup by the last (after the state extension)
        coordinator = load_object("newsmon.distributed.coordinator.RunCoordinator")
        settings.setdefault_in_component_priority_dict("EXTENSIONS", coordinator, order.RUN_COORDINATOR)
        settings.set("SCHEDULER", "newsmon.distributed.scheduler.RedisScheduler", priority="addon")
