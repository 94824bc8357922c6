"""Declared workbooks: every cell kind read and refused as declared, tables and forms round-trip."""

from __future__ import annotations

from datetime import date

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
    parse_cell,
    read_book,
    write_book,
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
