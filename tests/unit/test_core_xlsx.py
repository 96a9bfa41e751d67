"""The one .xlsx writer (core.xlsx), read back with openpyxl: the rules every export relies on."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from bo_desktop.core.xlsx import (
    Column,
    ExportCancelled,
    Sheet,
    Styled,
    is_formula_like,
    safe_text,
    sheet_title,
    write_workbook,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTabbed", "\rReturn"]
COLUMNS = [Column("Name", 30), Column("Amount", 12, "#,##0.00"), Column("When (UTC)", 20), Column("Day")]


def row(i: int) -> list[Any]:
    return [f"Player {i}", 10.5 + i, datetime(2026, 3, 1, 10, 0, i % 60, tzinfo=UTC), date(2026, 3, 2)]


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_formula_like_text_stays_a_string_cell(tmp_path: Path) -> None:
    target = tmp_path / "hostile.xlsx"
    rows = [[text, 1, None, None] for text in HOSTILE]
    write_workbook(target, [Sheet("Data", COLUMNS, rows)], about=[("Filter", "=cmd|' /C calc'!A0")])

    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)  # no formula anywhere, About included
    book = openpyxl.load_workbook(target)
    cells = [book["Data"].cell(row=r, column=1) for r in range(2, 2 + len(HOSTILE))]
    assert all(c.data_type == "s" for c in cells)
    # XML turns a bare CR into LF on reading; what matters is that it stays the same text.
    assert [c.value for c in cells] == [t.replace("\r", "\n") for t in HOSTILE]
    assert cells[0].value.startswith("=")
    about = book["About"].cell(row=1, column=2)
    assert about.data_type == "s" and about.value == "=cmd|' /C calc'!A0"
    assert all(is_formula_like(t) for t in HOSTILE) and not is_formula_like("Player =1")


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    target = tmp_path / "control.xlsx"
    write_workbook(target, [Sheet("Data", COLUMNS, [["a\x00b\x1fc\x0bd", 1, None, None]])])
    assert openpyxl.load_workbook(target)["Data"]["A2"].value == "abcd"
    assert safe_text("tab\tand\nnewline\x07") == "tab\tand\nnewline"
    assert safe_text(12) == "12"


def test_numbers_dates_and_formats(tmp_path: Path) -> None:
    target = tmp_path / "values.xlsx"
    stockholm = timezone(timedelta(hours=2))
    rows = [
        row(5),
        ["Styled", Styled(7, "#,##0.00 [$SEK]"), datetime(2026, 3, 1, 12, 0, tzinfo=stockholm), None],
    ]
    write_workbook(target, [Sheet("Data", COLUMNS, rows)])
    sheet = openpyxl.load_workbook(target)["Data"]
    name, amount, when, day = sheet[2]
    assert name.value == "Player 5" and name.data_type == "s" and name.number_format == "General"
    assert amount.value == 15.5 and amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert when.is_date and when.value == datetime(2026, 3, 1, 10, 0, 5)  # naive UTC
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    assert day.is_date and day.value == datetime(2026, 3, 2) and day.number_format == "yyyy-mm-dd"
    _name, styled, moved, empty = sheet[3]
    assert styled.value == 7 and styled.number_format == "#,##0.00 [$SEK]"
    assert moved.value == datetime(2026, 3, 1, 10, 0)  # 12:00 at UTC+2 is 10:00 UTC
    assert empty.value is None


def test_header_bold_frozen_filtered_with_widths(tmp_path: Path) -> None:
    target = tmp_path / "header.xlsx"
    counts = write_workbook(target, [Sheet("Data", COLUMNS, (row(i) for i in range(25)))])
    assert counts == [25]
    sheet = openpyxl.load_workbook(target)["Data"]
    assert [c.value for c in sheet[1]] == [c.title for c in COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D26"
    assert sheet.column_dimensions["A"].width == 30 and sheet.column_dimensions["B"].width == 12


def test_preamble_frozen_columns_footer_and_unique_titles(tmp_path: Path) -> None:
    target = tmp_path / "layout.xlsx"
    sheets = [
        Sheet(
            "Totals: a/b",
            COLUMNS,
            [row(1), row(2)],
            preamble=[[Styled("Title", bold=True)], ["=subtitle"]],
            frozen_columns=1,
            footer=lambda n: [["Total", n * 10, None, None]],
        ),
        Sheet("totals  a b", COLUMNS, [], freeze_header=False, autofilter=False),
    ]
    assert write_workbook(target, sheets) == [2, 0]
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Totals  a b", "totals  a b (2)"]
    first = book.worksheets[0]
    assert first["A1"].font.bold and first["A2"].data_type == "s"
    assert [c.value for c in first[3]] == [c.title for c in COLUMNS]
    assert first.freeze_panes == "B4" and first.auto_filter.ref == "A3:D5"
    assert first["A6"].value is None and first["A7"].value == "Total" and first["B7"].value == 20
    assert first["A7"].font.bold and first["B7"].number_format == "#,##0.00"
    second = book.worksheets[1]
    assert second.freeze_panes is None and not second.auto_filter.ref
    assert sheet_title("", fallback="Report") == "Report" and len(sheet_title("x" * 40)) == 31


def test_about_sheet(tmp_path: Path) -> None:
    target = tmp_path / "about.xlsx"
    facts = [("Report", "Members"), ("Rows", 3), ("Exported (UTC)", datetime(2026, 3, 1, 9, 30, tzinfo=UTC))]
    write_workbook(target, [Sheet("Data", COLUMNS, [row(1)])], about=lambda: facts)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Data", "About"]
    about = book["About"]
    assert {r[0].value: r[1].value for r in about.iter_rows()} == {
        "Report": "Members",
        "Rows": 3,
        "Exported (UTC)": datetime(2026, 3, 1, 9, 30),
    }
    assert all(r[0].font.bold for r in about.iter_rows())
    assert about["B3"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_cancel_mid_stream_leaves_no_file_and_keeps_an_existing_one(tmp_path: Path) -> None:
    target = tmp_path / "export.xlsx"
    target.write_bytes(b"yesterday's complete export")
    before = set(openpyxl_writer.ALL_TEMP_FILES)
    cancel = threading.Event()

    def rows() -> Iterator[list[Any]]:
        for i in range(1000):
            if i == 500:
                cancel.set()  # the user presses Cancel halfway
            yield row(i)

    with pytest.raises(ExportCancelled):
        write_workbook(target, [Sheet("Data", COLUMNS, rows())], about=[("A", 1)], cancel=cancel)
    assert files(tmp_path) == ["export.xlsx"]  # no .part either
    assert target.read_bytes() == b"yesterday's complete export"
    assert set(openpyxl_writer.ALL_TEMP_FILES) <= before


def test_an_error_mid_write_leaves_no_file(tmp_path: Path) -> None:
    before = set(openpyxl_writer.ALL_TEMP_FILES)

    def rows() -> Iterator[list[Any]]:
        yield row(1)
        raise ConnectionError("the server went away")

    with pytest.raises(ConnectionError):
        write_workbook(tmp_path / "export.xlsx", [Sheet("Data", COLUMNS, rows())])
    assert files(tmp_path) == []
    assert set(openpyxl_writer.ALL_TEMP_FILES) <= before


def test_too_many_rows_is_an_error_not_a_truncated_file(tmp_path: Path) -> None:
    with pytest.raises(OverflowError, match="more than 3 rows"):
        write_workbook(
            tmp_path / "big.xlsx", [Sheet("Data", COLUMNS, (row(i) for i in range(5)), max_rows=3)]
        )
    assert files(tmp_path) == []
