"""Shared value types: Source (format / parse / describe), Page bounds, and the Light enum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang import provenance
from kechuang.choices import Light, LinkRole, Stage, SupplyKind
from kechuang.errors import InvalidInput
from kechuang.paging import MAX_PAGE, MAX_PAGE_SIZE, bounded, page_of
from kechuang.provenance import Source

names = st.text(
    st.characters(blacklist_characters="#!@:\n", blacklist_categories=("Cs",)), min_size=1, max_size=40
)


@given(file=names, row=st.integers(1, 10**6), sheet=st.none() | names)
def test_import_sources_round_trip(file: str, row: int, sheet: str | None) -> None:
    src = Source.imported(file, row, sheet)
    assert provenance.parse(src.format()) == src
    assert f"第 {row} 行" in src.describe() and f"row {row}" in src.describe("en")


@given(
    doc=st.integers(1, 10**6),
    start=st.integers(0, 10**5),
    length=st.integers(1, 500),
    file=st.just("") | names,
)
def test_document_sources_round_trip(doc: int, start: int, length: int, file: str) -> None:
    src = Source.document(doc, start, start + length, file)
    assert provenance.parse(src.format()) == src


@pytest.mark.parametrize(
    ("source", "text", "zh"),
    [
        (
            Source.imported("项目.xlsx", 7, "项目"),
            "import:项目.xlsx#项目!7",
            "导入 项目.xlsx 工作表“项目” 第 7 行",
        ),
        (Source.document(3, 10, 25, "a.txt"), "doc:3@10-25:a.txt", "资讯 a.txt（第10–25字）"),
        (Source.user("hanjiang"), "user:hanjiang", "用户 hanjiang 录入"),
        (Source.rule("hnte", "2016-32"), "rule:hnte@2016-32", "规则 hnte（2016-32）计算"),
        (Source.demo(), "demo:city", "演示数据生成器"),
    ],
)
def test_source_formats(source: Source, text: str, zh: str) -> None:
    assert source.format() == text and provenance.describe(text) == zh


def test_a_long_file_name_keeps_its_row() -> None:
    text = Source.imported("很长的文件名" * 80 + ".xlsx", 12).format()
    assert len(text) <= provenance.MAX_LENGTH and text.endswith(".xlsx#12")
    assert provenance.parse(text).row == 12


def test_unknown_text_is_described_as_itself() -> None:
    assert provenance.describe("2019 年报") == "2019 年报" and provenance.describe(None) == "—"


@pytest.mark.parametrize(
    "page, size", [(0, 10), (MAX_PAGE + 1, 10), (1, 0), (1, MAX_PAGE_SIZE + 1), (10**40, 10)]
)
def test_page_bounds_are_refused_with_a_clear_problem(page: int, size: int) -> None:
    with pytest.raises(InvalidInput):
        bounded(page, size)


def test_page_of() -> None:
    p = page_of(list(range(23)), page=3, page_size=10)
    assert p.items == [20, 21, 22] and p.total == 23 and p.pages == 3 and not p.has_next


def test_light_carries_label_colour_and_severity() -> None:
    assert [light.severity for light in Light] == [0, 1, 2, 3]
    assert Light.worst([Light.green, Light.red, Light.yellow]) is Light.red and Light.worst([]) is Light.grey
    assert Light.red.label() == "红灯" and Light.red.label("en") == "Red" and Light.red.colour.startswith("#")
    assert len({light.colour for light in Light}) == 4
    for enum in (Stage, LinkRole, SupplyKind):
        assert all(m.label() != m.value for m in enum)


def test_css_light_colours_are_lights_colours() -> None:
    import re
    from pathlib import Path

    css = (Path(__file__).parents[1] / "kechuang" / "web" / "static" / "css" / "app.css").read_text(
        encoding="utf-8"
    )
    declared = dict(re.findall(r"--light-(grey|green|yellow|red):\s*(#[0-9a-f]{6})", css))
    assert declared == {light.value: light.colour for light in Light}
    rules = re.findall(r"\.(?:light|status-card\.status)-(?:grey|green|yellow|red) \{[^}]*\}", css)
    assert rules and all("var(--light-" in rule for rule in rules)


def test_css_level_colours_are_levels_colours() -> None:
    import re
    from pathlib import Path

    from kechuang.choices import Level

    css = (Path(__file__).parents[1] / "kechuang" / "web" / "static" / "css" / "app.css").read_text(
        encoding="utf-8"
    )
    declared = dict(re.findall(r"--level-(strong|present|weak|missing):\s*(#[0-9a-f]{6})", css))
    assert declared == {level.value: level.colour for level in Level}


def test_labels_and_colours_live_only_in_choices() -> None:
    """No module re-declares an enum's labels as a literal {value: label} map, and no script or
    stylesheet rule hard-codes a light or level colour (they read the CSS variables)."""
    import re
    from pathlib import Path

    from kechuang.choices import LEVEL_COLOURS, LIGHT_COLOURS, Coverage, GrowthStage, ItemKind, Level

    root = Path(__file__).parents[1] / "kechuang"
    enums = (Light, LinkRole, Stage, SupplyKind, Coverage, Level, ItemKind, GrowthStage)
    values = "|".join(m.value for e in enums for m in e)
    labels = "|".join(re.escape(m.zh) for e in enums for m in e)
    literal = re.compile(rf"""["']({values})["']\s*:\s*["']({labels})["']""")
    offenders = [
        f"{p.relative_to(root)}: {m.group(0)}"
        for p in [*root.rglob("*.py"), *root.rglob("*.html")]
        if p.name != "choices.py"
        for m in literal.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    colours = {c.lower() for c in [*LIGHT_COLOURS.values(), *LEVEL_COLOURS.values()]}
    static = root / "web" / "static"
    for p in [*static.glob("js/*.js"), static / "css" / "app.css"]:
        body = p.read_text(encoding="utf-8")
        if p.suffix == ".css":
            body = body.split("}", 1)[1]  # the :root block declares the variables
        found = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", body)} & colours
        assert not found, f"{p.name} hard-codes {sorted(found)}: use var(--light-…) / var(--level-…)"
