"""Declared workbooks: every cell kind read and refused as declared, tables and forms round-trip."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import polars as pl
import pytest

from kechuang.errors import InvalidInput
from kechuang.workbook import (
    CHOICE,
    DATE,
    FIGURE,
    MONEY,
    MONTH,
    NUMBER,
    RATIO,
    YEAR,
    Book,
    Field,
    Sheet,
    Table,
    parse_cell,
    read_book,
    write_book,
    write_register,
    write_tables,
)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (MONEY, "1,200", 1200),
        (NUMBER, "0", 0.0),
        (RATIO, "60%", 0.6),
        (RATIO, "1", 1.0),
        (FIGURE, "-3.5", -3.5),
        (FIGURE, "48.5%", 0.485),
        (YEAR, "2026", 2026),
        (MONTH, "3月", 3),
        (DATE, "2025年3月31日", date(2025, 3, 31)),
    ],
)
def test_cells_read_as_their_kind(kind: str, text: str, value: object) -> None:
    expected = pytest.approx(value) if isinstance(value, float) else value
    assert parse_cell(Field("f", "F", kind), text) == expected


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (MONEY, "1.5"),
        (MONEY, "-1"),
        (NUMBER, "nan"),
        (NUMBER, "inf"),
        (RATIO, "0"),
        (RATIO, "120%"),
        (FIGURE, "nan"),
        (FIGURE, "很多"),
        (YEAR, "1999"),
        (YEAR, "二〇二六"),
        (MONTH, "13"),
        (MONTH, "2.5"),
        (DATE, "2025-13-01"),
    ],
)
def test_cells_that_are_not_their_kind_are_refused(kind: str, text: str) -> None:
    with pytest.raises(ValueError):
        parse_cell(Field("f", "F", kind), text)


class _Error(InvalidInput):
    pass


BOOK = Book(
    (
        Sheet(
            "表",
            (Field("code", "编号", required=True), Field("share", "占比", RATIO)),
            key="code",
        ),
        Sheet(
            "说明",
            (
                Field("name", "名称", required=True),
                Field("kind", "类型", CHOICE, choices={"甲": "a", "乙": "b"}),
            ),
            form=True,
        ),
    )
)


def test_a_table_and_a_form_round_trip() -> None:
    content = write_book(
        BOOK, {"表": [{"code": "x1", "share": 0.5}], "说明": [{"name": "方法", "kind": "b"}]}
    )
    parsed = read_book(BOOK, content, "a.xlsx", _Error)
    assert parsed.problems == []
    assert [r.values for r in parsed.rows["表"]] == [{"code": "x1", "share": 0.5}]
    assert parsed.rows["说明"][0].values == {"name": "方法", "kind": "b"}


def test_a_form_names_the_row_of_each_item_and_a_missing_item() -> None:
    content = write_book(BOOK, {"表": [{"code": "x1"}, {"code": "x1"}], "说明": [{"name": "", "kind": "a"}]})
    parsed = read_book(BOOK, content, "a.xlsx", _Error)
    messages = [p.message for p in parsed.problems]
    assert messages == [
        "a.xlsx 工作表“表”第 3 行「编号」：值“x1”，应为不重复的编号",
        "a.xlsx 工作表“说明”第 1 行「名称」：值“”，应为名称",
    ]
    partial = Book((BOOK.sheets[0], Sheet("说明", (*BOOK.sheets[1].fields, Field("v", "版本")), form=True)))
    with pytest.raises(_Error) as err:
        read_book(partial, content, "a.xlsx", _Error)
    assert [p.message for p in err.value.problems] == ["a.xlsx 工作表“说明”缺少项“版本”（A 列）"]


HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "0012", "http://example.com"]


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


@pytest.mark.parametrize(
    "write",
    [
        lambda: write_tables([Table("t", ["a"], [[v] for v in HOSTILE])]),
        lambda: write_book(Book((Sheet("s", (Field("a", "甲"),)),)), {"s": [{"a": v} for v in HOSTILE]}),
    ],
    ids=["tables", "book"],
)
def test_text_that_looks_like_a_formula_stays_text(write):
    """Imported data is written back as text: no formula, number or link comes out of a cell's text."""
    content = write()
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "<hyperlink" not in xml
    back = pl.read_excel(io.BytesIO(content), engine="calamine", has_header=True)
    assert back.to_series(0).to_list() == HOSTILE


def test_register_writes_numbers_as_numbers_and_text_as_text():
    fields = [Field("n", "数", NUMBER, help="个数"), Field("t", "名称", required=True, offer=("是", "否"))]
    buf = io.BytesIO()
    frame = pl.DataFrame({"n": [3, None], "t": ["=1+1", "0012"]})
    assert write_register(buf, "表", fields, frame, help_mark="【说明】", notes=[("用途", "测试")]) == 2
    content = buf.getvalue()
    opts = {"header_row": 0, "skip_rows": 1}
    back = pl.read_excel(io.BytesIO(content), sheet_name="表", engine="calamine", read_options=opts)
    assert back.rows() == [(3, "=1+1"), (None, "0012")]
    notes = pl.read_excel(io.BytesIO(content), sheet_name="填写说明", engine="calamine", has_header=False)
    assert notes.rows()[-2:] == [("数", "个数"), ("名称（必填）", "")]
    assert "<f>" not in _sheet_xml(content)
