"""Tables for spreadsheets: CSV that Excel opens in UTF-8, and XLSX.

A cell that begins with = + - @ (or a tab or carriage return) would run as a
formula in a spreadsheet; in CSV it gets a leading apostrophe. XLSX cells are
written as strings, which no spreadsheet evaluates.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """An apostrophe before a formula, and before apostrophes that precede one,
    so that `unneutralise` gives back "'=1+1" as it was, not as "=1+1"."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_PREFIXES) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES) else text


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """With a byte-order mark: without it Excel reads UTF-8 as ANSI and mangles 陳."""
    return csv_text(header, rows).encode("utf-8-sig")


def xlsx_bytes(header: list[str], rows: Iterable[list], sheet: str = "Sheet1") -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for column, title in enumerate(header):
        worksheet.write_string(0, column, title, bold)
    for r, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, bool) or not isinstance(cell, (int, float)):
                worksheet.write_string(r, column, "" if cell is None else str(cell))
            else:
                worksheet.write_number(r, column, cell)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return out.getvalue()
