"""The corpus of invented site shapes (issue 19): one Shape class per CMS family or front end, by module name.

HELD_OUT shapes are never tuned on: see tests/shapes/README.md."""

from __future__ import annotations

from .alfold import AlfoldSite
from .binjiang import BinjiangSite
from .bogaz import BogazSite
from .dnipro import DniproSite
from .estuaire import EstuaireSite
from .faro import FaroSite
from .jarvi import JarviSite
from .kama import KamaSite
from .kit import Shape
from .lago import LagoSite
from .meridian import MeridianSite
from .minato import MinatoSite
from .mures import MuresSite
from .norrland import NorrlandSite
from .polder import PolderSite
from .rheinbote import RheinboteSite
from .vale import ValeSite
from .vltava import VltavaSite
from .wadi import WadiSite

SHAPES: dict[str, type[Shape]] = {
    "faro": FaroSite,
    "lago": LagoSite,
    "meridian": MeridianSite,
    "estuaire": EstuaireSite,
    "rheinbote": RheinboteSite,
    "polder": PolderSite,
    "mures": MuresSite,
    "bogaz": BogazSite,
    "vltava": VltavaSite,
    "norrland": NorrlandSite,
    "dnipro": DniproSite,
    "jarvi": JarviSite,
    "alfold": AlfoldSite,
    "vale": ValeSite,
    "kama": KamaSite,
    "binjiang": BinjiangSite,
    "wadi": WadiSite,
    "minato": MinatoSite,
}

HELD_OUT = tuple(name for name, shape in SHAPES.items() if shape.HELD_OUT)
