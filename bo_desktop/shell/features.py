"""Finds the installed feature packages and lets each register its docks.

Convention: ``bo_desktop/features/<name>/__init__.py`` defines ``register(registry)``. Discovery
(rather than a hand-kept list) means adding a feature touches only its own package. Feature
modules must keep their import cheap: heavy imports belong inside the dock factory.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable

from bo_desktop.core.docks import DockRegistry

log = logging.getLogger(__name__)


def discover_features(
    registry: DockRegistry | None = None, report_error: Callable[[BaseException], None] | None = None
) -> DockRegistry:
    registry = registry or DockRegistry()
    try:
        import bo_desktop.features as features_pkg
    except ImportError:
        return registry
    for info in sorted(pkgutil.iter_modules(features_pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{features_pkg.__name__}.{info.name}")
            register = getattr(module, "register", None)
            if callable(register):
                register(registry)
        except Exception as exc:
            # A broken feature costs its own panel, not the whole application.
            log.exception("feature %s failed to register", info.name)
            if report_error is not None:
                report_error(exc)
    return registry
