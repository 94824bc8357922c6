"""Spreadsheets for registry tests, written the way a user would: fill the real template with openpyxl."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import openpyxl

from kechuang.enterprises.columns import dataset
from kechuang.enterprises.excel import workbook_bytes
from kechuang.enterprises.uscc import complete

REGION_NAMES = {"321002": "广陵区", "321003": "邗江区", "321012": "江都区", "32100302": "扬州国家高新区"}


def uscc(seed: str) -> str:
    """A valid code from a short seed, e.g. uscc('A1')."""
    body = ("91321003MA" + seed.upper()).ljust(17, "0")[:17]
    return complete(body)


def filled_template(dataset_name: str, rows: list[list[Any]]) -> bytes:
    """The downloadable template with ``rows`` appended below the header and help rows."""
    wb = openpyxl.load_workbook(BytesIO(workbook_bytes(dataset(dataset_name), None, REGION_NAMES)))
    ws = wb[dataset(dataset_name).sheet]
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
