"""The corpus of invented site shapes (issue 19): one Shape class per CMS family or front end, by module name.

HELD_OUT shapes are never tuned on: see tests/shapes/README.md."""

from __future__ import annotations

from .faro import FaroSite
from .kit import Shape
from .meridian import MeridianSite

SHAPES: dict[str, type[Shape]] = {
    "faro": FaroSite,
    "meridian": MeridianSite,
}

HELD_OUT = tuple(name for name, shape in SHAPES.items() if shape.HELD_OUT)
