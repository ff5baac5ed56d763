"""One line naming the machine and the versions a benchmark ran with (for bench/RESULTS.md)."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


def describe() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{p} {_version(p)}" for p in ("scrapy", "lxml", "trafilatura"))
    return (
        f"machine: {cpu_model()}, {os.cpu_count()} CPUs, {ram:.1f} GiB RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, {versions}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
