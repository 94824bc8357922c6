"""The methodology as Excel (round trip, every error at once), the 50强 page, exports and upload — scoped,
on both databases."""

from __future__ import annotations

import io
import re

import polars as pl
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises import revision
from kechuang.enterprises.models import Enterprise
from kechuang.points import DEFAULT, store
from kechuang.points import service as points
from kechuang.points.models import PointsMethodology, PointsRun, PointsScore
from kechuang.points.sheet import MethodologyError, methodology_from_xlsx, methodology_to_xlsx
from tests.conftest import login


def test_methodology_round_trips_through_excel() -> None:
    assert methodology_from_xlsx(methodology_to_xlsx(DEFAULT), "m.xlsx") == DEFAULT


def _edited(changes: dict[tuple[str, int, int], object]) -> bytes:
    book = load_workbook(io.BytesIO(methodology_to_xlsx(DEFAULT)))
    for (sheet, row, col), value in changes.items():
        book[sheet].cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_problem_of_a_bad_sheet_is_reported_at_once() -> None:
    content = _edited(
        {
            ("指标", 2, 4): "创新",
            ("指标", 3, 7): -5,
            ("指标", 4, 12): "magic",
            ("指标", 5, 10): "0:0;abc",
            ("指标", 6, 1): "rd_intensity",
            ("说明", 5, 2): "中位数",
        }
    )
    with pytest.raises(MethodologyError) as err:
        methodology_from_xlsx(content, "方法.xlsx")
    text = "\n".join(p.message for p in err.value.problems)
    assert "方法.xlsx 工作表“指标”第 2 行「指标组」：值“创新”" in text
    assert "第 3 行「成长期权重」：值“-5”，应为不小于 0 的数" in text
    assert "第 4 行「计算公式」：值“magic”" in text
    assert "第 5 行「分档」" in text
    assert "第 6 行「指标编号」：值“rd_intensity”，应为不重复的指标编号" in text
    assert "工作表“说明”第 5 行「汇总方法」：值“中位数”" in text
    assert len(err.value.problems) == 6
    with pytest.raises(MethodologyError) as err:
        methodology_from_xlsx(_edited({("指标", 2, 6): 30}), "w.xlsx")
    assert [p.message for p in err.value.problems] == ["w.xlsx 工作表“指标”：初创期权重合计为 112，应为 100"]
    with pytest.raises(MethodologyError) as err:
        methodology_from_xlsx(b"not a workbook", "x.xlsx")
    assert "x.xlsx：无法读取" in err.value.problems[0].message


@pytest.fixture
def city(factory):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=300, seed=8, last_year=2025)
        store.refresh(s, 2025, runs=20)  # the points_refresh job's work: the pages only read it


def test_points_page_export_and_scope(city, client, factory, made) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        other = s.scalar(select(Enterprise.name).where(Enterprise.region_code == "321084").limit(1))
        own = s.scalar(select(Enterprise).where(Enterprise.region_code == "321003").limit(1))
        own_id, own_name = own.id, own.name
        board = store.ranking(s, actor=SYSTEM, year=2025)
        assert board.total == board.rows.height == 300 and board.rows["rank"].min() == 1
        assert board.stored.run is not None and not board.stored.stale
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("firm", "enterprise", enterprise_id=own_id)
    made.user("ex", "expert")
    login(client, "boss")
    page = client.get("/points?year=2025")
    assert page.status_code == 200 and "创新型企业50强" in page.text and "yz-default@2026.1" in page.text
    assert len(re.findall(r'<tr data-enterprise="', page.text)) == 50
    assert "本地默认值，并非官方权重" in page.text
    full = pl.read_excel(client.get("/points/ranking.xlsx?year=2025").content)
    assert full.height == 300 and full.columns[:4] == [
        "排名",
        "排名区间（5%–95%）",
        "统一社会信用代码",
        "企业名称",
    ]
    startup = client.get("/points?year=2025&stage=startup")
    assert startup.status_code == 200 and "初创期" in startup.text
    client.cookies.clear()
    login(client, "hj")
    page = client.get("/points?year=2025")
    assert page.status_code == 200 and other not in page.text
    mine = pl.read_excel(client.get("/points/ranking.xlsx?year=2025").content)
    assert 0 < mine.height < 300 and set(mine["地区"]) <= {
        "邗江区",
        "扬州国家高新区",
        "扬州经济技术开发区",
        "蜀冈—瘦西湖风景名胜区",
    }
    client.cookies.clear()
    login(client, "firm")
    page = client.get("/points?year=2025")
    assert len(re.findall(r'<tr data-enterprise="', page.text)) == 1 and own_name in page.text
    client.cookies.clear()
    login(client, "ex")
    assert client.get("/points").status_code == 403


def _upload(client, content: bytes, name: str = "方法.xlsx"):  # type: ignore[no-untyped-def]
    page = client.get("/points?year=2025")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    return client.post(
        "/points/methodology",
        data={"csrf_token": token.group(1) if token else ""},
        files={"file": (name, content, "application/octet-stream")},
    )


def test_methodology_upload_is_validated_versioned_and_audited(city, client, factory, made) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    login(client, "boss")
    bad = _upload(client, _edited({("指标", 2, 4): "创新", ("指标", 3, 7): -5}))
    assert bad.status_code == 422 and "2 处错误，方法未保存" in bad.text and "第 2 行「指标组」" in bad.text
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(PointsMethodology)) == 0
    # a new version that weighs revenue growth less and titles more (growth stage)
    good = _edited({("说明", 2, 2): "2026.2", ("指标", 10, 7): 10, ("指标", 14, 7): 12})
    ok = _upload(client, good)
    assert ok.status_code == 303 and "2026.2" in ok.headers["location"]
    stale = client.get("/points?year=2025").text
    assert 'id="run-stale"' in stale and "yz-default@2026.1" in stale  # the stored run, until the job
    with transaction(factory) as s:
        assert store.refresh(s, 2025, runs=20).recomputed
    fresh = client.get("/points?year=2025").text
    assert "yz-default@2026.2" in fresh and 'id="run-stale"' not in fresh
    again = _upload(client, good)
    assert again.status_code == 422 and "版本 2026.2 已存在" in again.text
    with transaction(factory) as s:
        assert points.current_methodology(s).version == "2026.2"
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.entity == "points_methodologies")
            )
            == 1
        )
    client.cookies.clear()
    login(client, "hj")
    refused = _upload(client, _edited({("说明", 2, 2): "2026.3"}))
    assert refused.status_code == 403


def test_the_page_only_reads_and_says_when_the_run_is_missing(factory, client, made) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=50, seed=3, last_year=2025)
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    login(client, "boss")
    page = client.get("/points?year=2025")
    assert page.status_code == 200 and 'id="run-missing"' in page.text and 'href="/admin/jobs"' in page.text
    assert len(re.findall(r'<tr data-enterprise="', page.text)) == 0
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(PointsRun)) == 0  # the GET computed nothing
    client.cookies.clear()
    login(client, "hj")
    page = client.get("/points?year=2025")
    assert 'id="run-missing"' in page.text and 'href="/admin/jobs"' not in page.text


def test_refresh_is_idempotent_and_follows_the_registry(city, factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        again = store.refresh(s, 2025, runs=20)
        assert not again.recomputed and again.enterprises == 300
        before = s.scalar(select(func.count()).select_from(PointsScore))
        one = s.scalar(select(Enterprise).order_by(Enterprise.id).limit(1))
        one.name = one.name + "（更名）"
        revision.bump(s)
    with transaction(factory) as s:
        assert store.stored(s, 2025).stale
        assert store.refresh(s, 2025, runs=20).recomputed
        assert s.scalar(select(func.count()).select_from(PointsScore)) == before
        assert not store.stored(s, 2025).stale
        assert (
            s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "points_runs"))
            == 2
        )


def test_the_job_refreshes_the_years_offered(city, factory) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from kechuang.jobs.catalogue import all_jobs
    from kechuang.jobs.runner import run_job

    outcome = run_job(factory, all_jobs()["points_refresh"], today=date(2026, 6, 1))
    assert outcome.status == "ok", outcome.summary
    assert "2025 年度 300 家企业" in outcome.summary and "2022 年度" in outcome.summary
    with transaction(factory) as s:
        assert sorted(s.scalars(select(PointsRun.year))) == [2022, 2023, 2024, 2025]
    assert (
        run_job(factory, all_jobs()["points_refresh"], today=date(2026, 6, 1)).summary.count("已是最新") == 4
    )
