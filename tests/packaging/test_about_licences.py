"""The About dialog's version and licence list come from installed metadata, not a kept list."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtWidgets import QLabel, QTableWidget

from bo_desktop import __version__
from bo_desktop.shell.help_dialogs import AboutDialog
from bo_desktop.shell.licences import bundled_components, licence_of


def test_version_is_the_installed_one_from_pyproject():
    assert __version__ == metadata.version("bo-desktop")
    assert not __version__.startswith("0.0.0")


def test_components_are_the_runtime_tree_with_a_licence_each():
    components = {c.name.lower().replace("_", "-"): c for c in bundled_components()}
    # Direct requirements, and transitive ones (uvicorn -> h11, pydantic -> pydantic-core).
    for name in ("pyside6-essentials", "shiboken6", "fastapi", "matplotlib", "h11", "pydantic-core"):
        assert name in components
    # Extras (test, dev) are not shipped, and the app does not list itself.
    for name in ("pytest", "hypothesis", "schemathesis", "mypy", "pyinstaller", "bo-desktop"):
        assert name not in components
    assert all(c.licence and c.version for c in components.values())
    assert "LGPL-3.0-only" in components["pyside6-essentials"].licence


def test_licence_prefers_spdx_then_short_field_then_classifiers():
    assert licence_of({"license_expression": "MIT", "license": "BSD"}) == "MIT"
    assert licence_of({"license": "BSD-3-Clause"}) == "BSD-3-Clause"
    full_text = "Copyright (c) 2012 Someone\n\nPermission is hereby granted..."
    psf = "Python Software Foundation License"
    classifiers = ["Programming Language :: Python", f"License :: OSI Approved :: {psf}"]
    fields = {"license": full_text, "classifier": classifiers}
    assert licence_of(fields) == psf
    assert licence_of({}) == "see the component's own licence file"


def test_about_dialog_shows_icon_version_and_licences(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "aboutTitle").text() == f"bo-desktop {__version__}"
    assert not dialog.findChild(QLabel, "aboutIcon").pixmap().isNull()
    table = dialog.findChild(QTableWidget, "aboutLicences")
    rows = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert rows["fastapi"] == licence_of(metadata.metadata("fastapi").json)
    assert table.rowCount() == len(bundled_components())
