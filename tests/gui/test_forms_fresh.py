"""The committed forms in bo_desktop/forms/ are exactly what pyside6-uic makes of ui/*.ui."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = sorted((ROOT / "ui").glob("*.ui"))


def _uic() -> str:
    candidate = Path(sys.executable).with_name("pyside6-uic")
    found = str(candidate) if candidate.exists() else shutil.which("pyside6-uic")
    if not found:
        pytest.skip("pyside6-uic not installed")
    return found


def _strip_banner(text: str) -> str:
    # The header names the uic version; a PySide6 patch upgrade alone must not fail the test.
    return "\n".join(line for line in text.splitlines() if not line.startswith("## Created by:"))


@pytest.mark.parametrize("ui_file", UI_FILES, ids=lambda p: p.name)
def test_generated_form_is_fresh(ui_file: Path, tmp_path: Path):
    generated = ROOT / "bo_desktop" / "forms" / f"ui_{ui_file.stem}.py"
    assert generated.exists(), (
        f"run: pyside6-uic {ui_file.relative_to(ROOT)} -o {generated.relative_to(ROOT)}"
    )
    fresh = tmp_path / generated.name
    subprocess.run([_uic(), str(ui_file), "-o", str(fresh)], check=True)
    assert _strip_banner(fresh.read_text()) == _strip_banner(generated.read_text()), (
        f"{generated.relative_to(ROOT)} is stale: re-run pyside6-uic on {ui_file.relative_to(ROOT)}"
    )


def test_there_is_at_least_one_form():
    assert UI_FILES
