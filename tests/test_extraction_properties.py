"""Properties of the whole pipeline on arbitrary text: it never fails and its offsets always hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.extraction import extract, to_lines

PIECES = [
    "全市",
    "新增",
    "企业",
    "家",
    "个",
    "亿元",
    "万元",
    "%",
    "增长",
    "同比",
    "较上年提高",
    "个百分点",
    "第",
    "位",
    "约",
    "超过",
    "余",
    "以上",
    "左右",
    "最高",
    "，",
    "。",
    "；",
    "、",
    "\n",
    "“",
    "”",
    "《",
    "》",
    "（",
    "）",
    "2023年",
    "1-9月",
    "截至",
    "底",
    "今年",
    "去年",
    "力争",
    "将",
    "预计",
    "有限公司",
    "大学",
    "研究院",
    "扬州",
    "市",
    "区",
    "科技局",
    "高新区",
    "两",
    "三",
    "十",
    "余",
    "大",
    "1",
    "2",
    "5",
    "8",
    "0",
    ".",
    "-",
    "至",
    "万",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80))
def test_extract_never_fails_and_spans_hold(pieces: list[str]) -> None:
    text = "".join(pieces)
    ex = extract(text, "h.txt")
    start, end = ex.body
    assert 0 <= start <= end <= len(text)
    for fact in ex.facts:
        assert text[fact.start : fact.end] == fact.text
        assert fact.sentence_start <= fact.start and fact.kind in (
            "level",
            "growth_rate",
            "share",
            "rank",
            "count",
            "target",
            "other",
        )
        assert fact.unit and isinstance(fact.value, int | float)
    for org in ex.orgs:
        assert text[org.start : org.end] == org.name
    lines = to_lines(ex)
    assert lines[0]["record"] == "body" and len(lines) == 1 + len(ex.facts) + len(ex.orgs)
