"""Scrapy add-on: with NEWSMON_BACKEND=redis, the scheduler and dupefilter become the run's shared ones.

The state store and the host tier memory follow the same setting (newsmon/state/backend.py); the run
coordinator (coordinator.py) is enabled in EXTENSIONS and stays out in one-process mode.
"""

from __future__ import annotations

import logging

from scrapy.settings import BaseSettings

from newsmon.distributed import redact
from newsmon.distributed.config import DistributedConfig

logger = logging.getLogger(__name__)


class DistributedAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        config = DistributedConfig.from_settings(settings)  # ValueError names the bad setting
        if not config.enabled:
            return
        redact.install()  # before Scrapy logs the overridden settings
        settings.set("SCHEDULER", "newsmon.distributed.scheduler.RedisScheduler", priority="addon")
