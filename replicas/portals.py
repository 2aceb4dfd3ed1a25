"""The bundled replica portals, by the ids the portal registry names them with: every module
of this package that defines `sites()` contributes its own."""

from __future__ import annotations

import importlib
import pkgutil

import replicas
from replicas.site import Site


def sites() -> list[Site]:
    found: list[Site] = []
    for module in sorted(m.name for m in pkgutil.iter_modules(replicas.__path__)):
        if module not in ("portals", "server", "site"):
            found += getattr(importlib.import_module(f"replicas.{module}"), "sites", list)()
    return found
