"""The corpus of invented site shapes (issue 19): one Shape class per CMS family or front end, by module name.

HELD_OUT shapes are never tuned on: see tests/shapes/README.md."""

from __future__ import annotations

from .bogaz import BogazSite
from .faro import FaroSite
from .jarvi import JarviSite
from .kit import Shape
from .meridian import MeridianSite
from .polder import PolderSite
from .rheinbote import RheinboteSite
from .vltava import VltavaSite

SHAPES: dict[str, type[Shape]] = {
    "faro": FaroSite,
    "meridian": MeridianSite,
    "rheinbote": RheinboteSite,
    "polder": PolderSite,
    "bogaz": BogazSite,
    "vltava": VltavaSite,
    "jarvi": JarviSite,
}

HELD_OUT = tuple(name for name, shape in SHAPES.items() if shape.HELD_OUT)
