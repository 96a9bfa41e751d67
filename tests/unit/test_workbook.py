"""The report workbook writer, read back with openpyxl and with a second reader (calamine).

What a finance user relies on: real numbers with currency formats, real dates, a bold frozen
header with an autofilter, totals per currency, an About sheet whose checksum anyone can
recompute, formula-looking text kept as text, and never a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from bo_desktop.contract.reports import (
    ColumnType,
    ReportColumn,
    ReportKind,
    ReportTotals,
    TotalRule,
    TotalsGroup,
)
from bo_desktop.features.reports.workbook import AboutInfo, ExportCancelled, write_report

C = ColumnType
COLUMNS = [
    ReportColumn(key="day", title="Day", type=C.DATE),
    ReportColumn(key="at", title="At (UTC)", type=C.DATETIME),
    ReportColumn(key="name", title="Player name", type=C.TEXT),
    ReportColumn(key="currency", title="Currency", type=C.TEXT),
    ReportColumn(key="amount", title="Amount", type=C.MONEY, currency_key="currency", total=TotalRule.SUM),
    ReportColumn(key="count", title="Deposits", type=C.INTEGER, total=TotalRule.SUM),
    ReportColumn(key="attempts", title="Attempts", type=C.INTEGER, total=TotalRule.SUM),
    ReportColumn(
        key="rate", title="Success", type=C.RATIO, total=TotalRule.RATIO, ratio_of=("count", "attempts")
    ),
    ReportColumn(key="flag", title="Four-eyes", type=C.BOOLEAN, total=TotalRule.COUNT_TRUE),
    ReportColumn(key="took", title="Took", type=C.DURATION),
]
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTabbed", "\rReturn"]


def rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "day": f"2026-03-{i % 28 + 1:02d}",
            "at": f"2026-03-{i % 28 + 1:02d}T10:1{i % 10}:05.250000Z",
            "name": HOSTILE[i % len(HOSTILE)] if i < len(HOSTILE) else f"Player {i}",
            "currency": ("EUR", "SEK")[i % 2],
            "amount": 12_345 + i,
            "count": i % 5,
            "attempts": i % 5 + 1,
            "rate": (i % 5) / (i % 5 + 1),
            "flag": i % 3 == 0,
            "took": 5_400 + i,
        }
        for i in range(n)
    ]


def about(**changes: Any) -> AboutInfo:
    values: dict[str, Any] = dict(
        report_title="Test report",
        kind="test",
        period="From 2026-03-01 00:00 to 2026-04-01 00:00 UTC (end exclusive).",
        filters=[("Jurisdiction", "MGA — Malta"), ("Brand", "All")],
        generated_by="Max Manager (manager)",
        server="Sandbox — http://127.0.0.1:1",
        app_version="9.9.9",
        generated_at=datetime(2026, 3, 31, 22, 30, tzinfo=datetime.now().astimezone().tzinfo).astimezone(),
    )
    values.update(changes)
    return AboutInfo(**values)


def pages(data: list[dict[str, Any]], size: int = 7) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def expected_totals(data: list[dict[str, Any]]) -> ReportTotals:
    groups = []
    for currency in ("EUR", "SEK"):
        mine = [r for r in data if r["currency"] == currency]
        count, attempts = sum(r["count"] for r in mine), sum(r["attempts"] for r in mine)
        values = {
            "amount": sum(r["amount"] for r in mine),
            "count": count,
            "attempts": attempts,
            "rate": count / attempts,
            "flag": sum(r["flag"] for r in mine),
        }
        groups.append(TotalsGroup(currency=currency, rows=len(mine), values=values))
    return ReportTotals(kind=ReportKind.PAYMENTS_BY_PSP, rows=len(data), groups=groups)


def test_values_types_formats_header_and_about(tmp_path: Path) -> None:
    data = rows(40)
    target = tmp_path / "report.xlsx"
    result = write_report(target, COLUMNS, pages(data), about(), server_totals=lambda: expected_totals(data))
    assert (result.rows, result.totals_checked, result.totals_differences) == (40, True, [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Report", "About"]
    sheet = book["Report"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J41"
    assert [c.value for c in sheet[1]] == [c.title for c in COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"]
    assert all(8 <= w <= 51 for w in widths) and widths[1] >= 19  # timestamps fit

    day, at, name, currency, amount, count, _attempts, rate, flag, took = sheet[3]
    assert day.value == datetime(2026, 3, 2) and day.number_format == "yyyy-mm-dd"
    assert at.value == datetime(2026, 3, 2, 10, 11, 5) and at.number_format == "yyyy-mm-dd hh:mm:ss"
    assert currency.value == "SEK"
    assert amount.value == pytest.approx(123.46) and amount.data_type == "n"
    assert amount.number_format == "#,##0.00 [$SEK]"
    assert count.value == 1 and count.number_format == "#,##0"
    assert rate.value == pytest.approx(0.5) and rate.number_format == "0.0%"
    assert flag.value is False and flag.data_type == "b"
    assert took.value == timedelta(seconds=5401) and took.number_format == "[h]:mm"
    assert name.value == HOSTILE[1]

    totals = {r[0].value: r for r in sheet.iter_rows(min_row=43) if r[0].value}
    assert list(totals) == ["Total EUR", "Total SEK"]
    expected = {g.currency: g.values for g in expected_totals(data).groups}
    for label, currency_code in (("Total EUR", "EUR"), ("Total SEK", "SEK")):
        row = totals[label]
        assert all(c.font.bold for c in row)
        assert round(row[4].value * 100) == expected[currency_code]["amount"]
        assert row[4].number_format == f"#,##0.00 [${currency_code}]"
        assert row[5].value == expected[currency_code]["count"]
        assert row[7].value == pytest.approx(expected[currency_code]["rate"])
        assert row[8].value == expected[currency_code]["flag"]

    facts = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert facts["Report"] == "Test report"
    assert facts["Filter: Jurisdiction"] == "MGA — Malta"
    assert facts["Generated at (UTC)"] == "2026-03-31 22:30:00 UTC" or facts["Generated at (UTC)"].endswith(
        "UTC"
    )
    assert facts["Generated at (local)"].startswith("2026-")
    assert facts["Generated by"] == "Max Manager (manager)"
    assert facts["Server"] == "Sandbox — http://127.0.0.1:1"
    assert facts["App version"] == "bo-desktop 9.9.9"
    assert facts["Data rows"] == 40
    assert facts["Rows by currency"] == "EUR 20, SEK 20"
    assert facts["Totals check"] == "Matches the server's totals for the same filters."
    # The checksum is reproducible from the rows as the API sent them.
    digest = hashlib.sha256()
    for row in data:
        line = json.dumps([row[c.key] for c in COLUMNS], separators=(",", ":"), ensure_ascii=False)
        digest.update(line.encode() + b"\n")
    assert facts["Data SHA-256"] == digest.hexdigest() == result.checksum


def test_formula_like_text_stays_text_for_every_reader(tmp_path: Path) -> None:
    target = tmp_path / "hostile.xlsx"
    hostile = [{**rows(1)[0], "name": text} for text in HOSTILE] + [{**rows(1)[0], "name": "a\x00b\x1fc"}]
    write_report(target, COLUMNS, [hostile], about(filters=[("Player", "=cmd|' /C calc'!A0")]))

    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)  # no formula anywhere, About included
    sheet = openpyxl.load_workbook(target)["Report"]
    names = [sheet.cell(row=r, column=3) for r in range(2, 2 + len(hostile))]
    # XML turns a bare CR into LF on reading; what matters is that it stays the same text.
    assert [c.value for c in names[:-1]] == [t.replace("\r", "\n") for t in HOSTILE]
    assert all(c.data_type == "s" for c in names)
    assert names[-1].value == "abc"  # control characters XML cannot carry are dropped

    calamine = pytest.importorskip("python_calamine")
    book = calamine.CalamineWorkbook.from_path(str(target))
    values = book.get_sheet_by_name("Report").to_python()
    assert [row[2] for row in values[1 : 1 + len(HOSTILE)]] == [t.replace("\r", "\n") for t in HOSTILE]
    about_rows = dict((r[0], r[1]) for r in book.get_sheet_by_name("About").to_python())
    assert about_rows["Filter: Player"] == "=cmd|' /C calc'!A0"


def test_second_reader_sees_numbers_and_dates(tmp_path: Path) -> None:
    calamine = pytest.importorskip("python_calamine")
    target = tmp_path / "numbers.xlsx"
    write_report(target, COLUMNS, pages(rows(12)), about())
    values = calamine.CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Report").to_python()
    first = values[1]
    assert first[0] == date(2026, 3, 1)
    assert first[1] == datetime(2026, 3, 1, 10, 10, 5)
    assert isinstance(first[4], float) and first[4] == pytest.approx(123.45)
    assert first[8] is True


def _no_openpyxl_temp_files_left(before: set[str]) -> bool:
    return set(openpyxl_writer.ALL_TEMP_FILES) <= before


def test_cancel_mid_export_leaves_nothing_and_keeps_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"yesterday's complete report")
    before = set(openpyxl_writer.ALL_TEMP_FILES)
    written = 0
    cancel = False

    def slow_pages() -> Iterator[list[dict[str, Any]]]:
        nonlocal written, cancel
        for page in pages(rows(200), size=20):
            written += len(page)
            if written >= 100:
                cancel = True  # the user presses Cancel halfway
            yield page

    with pytest.raises(ExportCancelled):
        write_report(target, COLUMNS, slow_pages(), about(), cancelled=lambda: cancel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]
    assert target.read_bytes() == b"yesterday's complete report"
    assert _no_openpyxl_temp_files_left(before)


def test_failure_mid_export_leaves_nothing(tmp_path: Path) -> None:
    before = set(openpyxl_writer.ALL_TEMP_FILES)

    def failing_pages() -> Iterator[list[dict[str, Any]]]:
        yield rows(10)
        raise ConnectionError("the server went away")

    with pytest.raises(ConnectionError):
        write_report(tmp_path / "report.xlsx", COLUMNS, failing_pages(), about())
    assert list(tmp_path.iterdir()) == []
    assert _no_openpyxl_temp_files_left(before)


def test_totals_that_differ_from_the_server_are_reported(tmp_path: Path) -> None:
    data = rows(10)
    server = expected_totals(data)
    server.groups[0].values["amount"] += 1
    result = write_report(tmp_path / "r.xlsx", COLUMNS, [data], about(), server_totals=lambda: server)
    assert result.totals_differences == [f"EUR amount: file {server.groups[0].values['amount'] - 1}, server "
                                         f"{server.groups[0].values['amount']}"]  # fmt: skip
    facts = {r[0].value: r[1].value for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["About"].iter_rows()}
    assert facts["Totals check"].startswith("DIFFERS from the server's totals: EUR amount")


def test_an_empty_report_is_still_a_valid_workbook(tmp_path: Path) -> None:
    empty = ReportTotals(kind=ReportKind.GGR_NGR, rows=0, groups=[])
    result = write_report(tmp_path / "empty.xlsx", COLUMNS, [], about(), server_totals=lambda: empty)
    assert (result.rows, result.totals_differences) == (0, [])
    sheet = openpyxl.load_workbook(tmp_path / "empty.xlsx")["Report"]
    assert [c.value for c in sheet[1]] == [c.title for c in COLUMNS]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [
        None,
        "No rows match this report's period and filters.",
    ]
