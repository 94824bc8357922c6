"""All-or-nothing import, on SQLite and PostgreSQL: every error at once, nothing written, upserts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM, Actor
from kechuang.choices import Role
from kechuang.db import transaction
from kechuang.enterprises.columns import dataset
from kechuang.enterprises.excel import workbook_bytes
from kechuang.enterprises.importer import import_file
from kechuang.enterprises.models import Enterprise, EnterpriseFigures, Title
from kechuang.enterprises.service import export_frame
from kechuang.errors import InvalidInput
from tests.registry_files import REGION_NAMES, filled_template, uscc

A, B, C = uscc("A1"), uscc("B2"), uscc("C3")
GOOD_ENTERPRISES = [
    [A, "扬州甲乙科技有限公司", "甲乙；甲乙科技", "邗江区", "邗江路1号", "2019-04-12", "C3825", "小型", "否"],
    [B, "江都丙丁新材料有限公司", None, "江都区", None, None, "C2651", "中型", "是"],
    [C, "高新区戊己电子有限公司", None, "扬州国家高新区", None, "2021-07-01", "C3976", "微型", None],
]


def run(factory, name: str, content: bytes, actor: Actor = SYSTEM, filename: str = "企业.xlsx", **kw):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        return import_file(s, actor=actor, dataset_name=name, content=content, filename=filename, **kw)


def count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_five_different_errors_are_all_listed_and_nothing_is_written(factory) -> None:  # type: ignore[no-untyped-def]
    run(factory, "enterprises", filled_template("enterprises", GOOD_ENTERPRISES[:1]))
    before = count(factory, Enterprise)
    bad = filled_template(
        "enterprises",
        [
            GOOD_ENTERPRISES[1],  # row 3: fine
            [A[:17] + ("0" if A[17] != "0" else "1"), "校验位错", None, "邗江区"],  # row 4: checksum
            [uscc("D4"), None, None, "江都区"],  # row 5: name missing
            [uscc("E5"), "戊公司", None, "火星区"],  # row 6: unknown region
            [uscc("F6"), "己公司", None, "广陵区", None, "2020-02-30"],  # row 7: bad date
            [uscc("G7"), "庚公司", None, "广陵区", None, None, None, "巨型"],  # row 8: bad enum
        ],
    )
    with pytest.raises(InvalidInput) as info:
        run(factory, "enterprises", bad, filename="有错的企业名单.xlsx")
    found = [(p.row, p.field, p.value) for p in info.value.problems]
    assert found == [
        (4, "统一社会信用代码", A[:17] + ("0" if A[17] != "0" else "1")),
        (5, "企业名称", None),
        (6, "所属地区", "火星区"),
        (7, "成立日期", "2020-02-30"),
        (8, "企业规模", "巨型"),
    ]
    assert all(p.file == "有错的企业名单.xlsx" and p.message for p in info.value.problems)
    assert "校验位错误" in info.value.problems[0].message
    assert "大型" in info.value.problems[4].message  # says what was expected
    assert count(factory, Enterprise) == before  # row 3 was fine but the whole file was refused


def test_clean_file_upserts_and_reports_counts(factory) -> None:  # type: ignore[no-untyped-def]
    first = run(factory, "enterprises", filled_template("enterprises", GOOD_ENTERPRISES))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    changed = [row[:] for row in GOOD_ENTERPRISES]
    changed[0][4] = "邗江路2号"
    changed[0][5] = "2019-04-13"
    again = run(factory, "enterprises", filled_template("enterprises", changed))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    with transaction(factory) as s:
        ent = s.scalar(select(Enterprise).where(Enterprise.uscc == A))
        assert ent.address == "邗江路2号" and ent.aliases == "甲乙|甲乙科技" and ent.region_code == "321003"
        assert ent.source == "import:企业.xlsx#3"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "enterprises")).all()
        assert any(
            a.action == "update"
            and a.after == {"address": "邗江路2号", "founded_on": "2019-04-13"}
            and a.before == {"address": "邗江路1号", "founded_on": "2019-04-12"}
            for a in audit
        )
        assert any(a.action == "import" and "修改 1" in a.summary for a in audit)


def test_figures_titles_and_ip_import_and_round_trip(factory) -> None:  # type: ignore[no-untyped-def]
    run(factory, "enterprises", filled_template("enterprises", GOOD_ENTERPRISES))
    figures = filled_template(
        "figures",
        [
            [
                A,
                "扬州甲乙科技有限公司",
                2023,
                100,
                20,
                10,
                40_000_000,
                42_000_000,
                40_000_000,
                2_000_000,
                1_900_000,
                30_000_000,
                35_000_000,
                43_000_000,
                60_000_000,
                20_000_000,
                -1_500_000.4,
                800_000,
                0,
                0,
            ],
            [
                A,
                None,
                2024,
                110,
                25,
                12,
                "48,000,000",
                50_000_000,
                45_000_000,
                2_600_000,
                2_600_000,
                33_000_000,
                41_000_000,
                51_000_000,
                80_000_000,
                30_000_000,
                3_000_000,
                900_000,
                None,
                1_000_000,
            ],
        ],
    )
    result = run(factory, "figures", figures, filename="年度数据.xlsx")
    assert (result.created, result.updated) == (2, 0)
    titles = filled_template(
        "titles",
        [[A, None, "高新技术企业", "国家级", 2023, "GR202332001234", "2026-12-31", "江苏省2023年第一批"]],
    )
    assert run(factory, "titles", titles).created == 1
    ip = filled_template("ip", [[A, None, 2024, "发明专利", 2], [A, None, 2024, "实用新型专利", 5]])
    assert run(factory, "ip", ip).created == 2
    with transaction(factory) as s:
        f24 = s.scalar(select(EnterpriseFigures).where(EnterpriseFigures.year == 2024))
        assert f24.sales_revenue == 48_000_000 and f24.exports is None and f24.region_code == "321003"
        f23 = s.scalar(select(EnterpriseFigures).where(EnterpriseFigures.year == 2023))
        assert f23.profit == -1_500_000
        ent = s.scalar(select(Enterprise).where(Enterprise.uscc == A))
        assert (ent.latest_year, ent.latest_revenue) == (2024, 50_000_000)
        assert s.scalar(select(Title.valid_until)).isoformat() == "2026-12-31"
    for name in ["enterprises", "figures", "titles", "ip"]:
        with transaction(factory) as s:
            frame = export_frame(s, actor=SYSTEM, dataset_name=name)
        content = workbook_bytes(dataset(name), frame, REGION_NAMES)
        back = run(factory, name, content, filename=f"{name}-export.xlsx")
        assert back.changes == 0 and back.unchanged == frame.height > 0, name


def test_cross_field_duplicate_and_reference_errors(factory) -> None:  # type: ignore[no-untyped-def]
    run(factory, "enterprises", filled_template("enterprises", GOOD_ENTERPRISES[:1]))
    bad = filled_template(
        "figures",
        [
            [A, None, 2024, 10, 20],  # row 3: tech staff > employees
            [A, None, 2024, 10, 5],  # row 4: duplicate of row 3
            [uscc("X9"), None, 2024, 10, 5],  # row 5: unknown enterprise
            [A, None, 2031, 10, 5],  # row 6: future year
            [A, None, 2023, -3],  # row 7: negative count
        ],
    )
    with pytest.raises(InvalidInput) as info:
        run(factory, "figures", bad)
    rows = {(p.row, p.field) for p in info.value.problems}
    assert rows == {
        (3, "科技人员数（人）"),
        (4, "统一社会信用代码 + 年度"),
        (5, "统一社会信用代码"),
        (6, "年度"),
        (7, "职工总数（人）"),
    }
    assert count(factory, EnterpriseFigures) == 0


def test_header_problems_and_unreadable_files(factory) -> None:  # type: ignore[no-untyped-def]
    csv = "统一社会信用代码,公司名字,所属地区\n".encode()
    with pytest.raises(InvalidInput) as info:
        run(factory, "enterprises", csv, filename="x.csv")
    messages = {(p.field, p.message[:4]) for p in info.value.problems}
    assert ("公司名字", "未知的列") in messages and ("企业名称", "缺少必填") in messages
    with pytest.raises(InvalidInput) as info:
        run(factory, "enterprises", b"not a workbook", filename="broken.xlsx")
    assert info.value.problems[0].file == "broken.xlsx"


def test_gbk_csv_from_excel_is_read(factory) -> None:  # type: ignore[no-untyped-def]
    text = f"统一社会信用代码,企业名称,所属地区\n{A},扬州甲乙科技有限公司,邗江区\n"
    assert run(factory, "enterprises", text.encode("gbk"), filename="名单.csv").created == 1


def test_district_operator_imports_only_into_its_regions(factory, made) -> None:  # type: ignore[no-untyped-def]
    made.user("gl", "district", region_code="321002")
    actor = Actor(
        user_id=None,
        username="gl",
        role=Role.district,
        region_code="321002",
        region_codes=frozenset({"321002", "32100201"}),
    )
    with pytest.raises(InvalidInput) as info:
        run(factory, "enterprises", filled_template("enterprises", GOOD_ENTERPRISES[:1]), actor=actor)
    assert info.value.problems[0].field == "所属地区" and "管辖" in info.value.problems[0].message
    run(factory, "enterprises", filled_template("enterprises", GOOD_ENTERPRISES[:1]))  # the city adds it
    figures = filled_template("figures", [[A, None, 2024, 10, 5]])
    with pytest.raises(InvalidInput) as info:
        run(factory, "figures", figures, actor=actor)
    assert "管辖" in info.value.problems[0].message
    assert count(factory, EnterpriseFigures) == 0
