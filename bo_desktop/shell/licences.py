"""The components bo-desktop ships with and their licences, read from distribution metadata.

The list is bo-desktop's runtime requirement tree as installed (extras such as ``test`` and
``dev`` are not shipped), so it follows pyproject.toml and cannot go stale. The desktop bundle
carries the same tree's metadata (``copy_metadata("bo-desktop", recursive=True)`` in build.spec),
so the About dialog lists the same components there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA_MARKER = re.compile(r"""\bextra\s*==""")
# Some projects put the whole licence text in the License field; a short one-liner is a name.
_MAX_LICENSE_NAME = 80


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


def licence_of(fields: Mapping[str, Any]) -> str:
    """The licence as declared: SPDX expression (PEP 639), the License field, or classifiers.

    ``fields`` is a distribution's metadata as ``Distribution.metadata.json`` gives it.
    """
    expression = str(fields.get("license_expression") or "").strip()
    if expression:
        return expression
    declared = str(fields.get("license") or "").strip()
    if declared and "\n" not in declared and len(declared) <= _MAX_LICENSE_NAME:
        return declared
    classifiers = [
        c.split("::")[-1].strip() for c in fields.get("classifier") or [] if c.startswith("License ::")
    ]
    return " / ".join(classifiers) or "see the component's own licence file"


def _runtime_requirements(dist: metadata.Distribution) -> list[str]:
    names = []
    for requirement in dist.requires or []:
        name, _, marker = requirement.partition(";")
        match = _NAME.match(name)
        # Requirements behind an extra are optional (tests, tooling): not part of the app. Other
        # markers (python_version) are settled by what is installed: absent ones are skipped below.
        if match and not _EXTRA_MARKER.search(marker):
            names.append(match.group(1))
    return names


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503: PySide6_Essentials == pyside6-essentials


def bundled_components(root: str = "bo-desktop") -> list[Component]:
    """Every installed distribution ``root`` needs at run time (``root`` excluded), by name."""
    seen: dict[str, Component] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        key = _normalized(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement whose environment marker excludes this platform
        seen[key] = Component(dist.metadata["Name"], dist.version, licence_of(dist.metadata.json))
        todo.extend(_runtime_requirements(dist))
    seen.pop(_normalized(root), None)
    return sorted(seen.values(), key=lambda c: c.name.lower())
