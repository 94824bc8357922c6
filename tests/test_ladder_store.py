"""Stored yearly assessments (fresh / stale / recomputed), transitions, the near-miss gap measure,
and the enterprise self-check — on both databases, scoped by role."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import polars as pl
import pytest
from sqlalchemy import func, select

from kechuang.auth.scope import SYSTEM, Actor
from kechuang.choices import Role
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises import revision
from kechuang.enterprises.models import Enterprise, EnterpriseFigures
from kechuang.enterprises.service import save_figures
from kechuang.ladder import service, store
from kechuang.ladder.models import AssessmentResult, AssessmentRun
from kechuang.ladder.transitions import summary, transitions
from kechuang.rules import expr as E
from kechuang.rules.frame import Compiler
from tests.conftest import csrf_of, login

TODAY = date(2026, 11, 24)


def _city(factory, n: int = 200) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=n, seed=5, last_year=2025)


def test_refresh_stores_every_programme_with_its_rules_and_skips_when_fresh(factory) -> None:  # type: ignore[no-untyped-def]
    _city(factory)
    with transaction(factory) as s:
        first = store.refresh(s, 2026, today=TODAY)
        again = store.refresh(s, 2026, today=TODAY)
        assert first.recomputed and not again.recomputed
        assert first.enterprises == 200
        assert first.rules["hnte"]["document"].startswith("国科发火〔2016〕32号")
        assert first.rules["specialized_sme"]["version"] == "2026"  # 2026 text in force on 2026-11-24
        rows = s.scalar(
            select(func.count()).select_from(AssessmentResult).where(AssessmentResult.year == 2026)
        )
        assert rows == 200 * len(first.rules)
        # the stored verdicts are the batch's verdicts
        stored = store.results_frame(s, actor=SYSTEM, year=2026)
        batch = service.assess_registry(s, actor=SYSTEM, as_of=TODAY)
        for pid in first.rules:
            joined = stored.filter(pl.col("programme") == pid).join(
                batch.select("enterprise_id", pl.col(f"{pid}.status").alias("batch")), on="enterprise_id"
            )
            assert joined.height == 200 and (joined["status"] == joined["batch"]).all(), pid
            assert stored.filter(pl.col("programme") == pid)["rule"].unique().to_list() == [
                first.rules[pid]["file"]
            ]
        # the next day the current year is stale (assessed as of today); a past year is not
        assert store.refresh(s, 2026, today=date(2026, 11, 25)).recomputed
        store.refresh(s, 2025, today=TODAY)
        assert not store.refresh(s, 2025, today=date(2026, 11, 25)).recomputed
        run = s.scalar(select(AssessmentRun).where(AssessmentRun.year == 2025))
        assert run is not None and run.as_of == date(2025, 12, 31)


def test_a_figure_change_makes_the_stored_year_stale_and_changes_the_verdict(factory) -> None:  # type: ignore[no-untyped-def]
    _city(factory)
    with transaction(factory) as s:
        store.refresh(s, 2026, today=TODAY)
        stored = store.results_frame(s, actor=SYSTEM, year=2026, programmes=("tech_sme",))
        # an enterprise whose tech-SME verdict rests on its figures: make it too big to be an SME
        target = stored.filter(pl.col("status") != "not_met")["enterprise_id"][0]
        before = revision.current(s)
    admin = Actor(user_id=None, username="t", role=Role.admin)
    with transaction(factory) as s:
        save_figures(
            s,
            actor=admin,
            enterprise_id=target,
            year=2025,
            values={"employees": 900, "sales_revenue": 900_000_000, "operating_revenue": 900_000_000},
        )
    with transaction(factory) as s:
        assert revision.current(s) != before
        assert store.refresh(s, 2026, today=TODAY).recomputed
        after = store.results_frame(s, actor=SYSTEM, year=2026, programmes=("tech_sme",))
        row = after.filter(pl.col("enterprise_id") == target).row(0, named=True)
        assert row["status"] == "not_met" and "employees_max" in row["failed"].split(",")


def test_stored_results_are_scoped(factory) -> None:  # type: ignore[no-untyped-def]
    _city(factory)
    with transaction(factory) as s:
        store.refresh(s, 2026, today=TODAY)
        district = Actor(
            user_id=1,
            username="hj",
            role=Role.district,
            region_code="321003",
            region_codes=frozenset({"321003", "32100301", "32100302", "32100303"}),
        )
        own = store.results_frame(s, actor=district, year=2026)
        assert own.height and set(own["region_code"]) <= district.region_codes
        counts = store.rung_counts(s, actor=district, year=2026)
        assert set(counts["region_code"]) <= district.region_codes
        ent_id = s.scalar(select(Enterprise.id).where(Enterprise.region_code == "321084").limit(1))
        firm = Actor(user_id=2, username="f", role=Role.enterprise, enterprise_id=ent_id)
        mine = store.results_frame(s, actor=firm, year=2026)
        assert set(mine["enterprise_id"]) == {ent_id}
        expert = Actor(user_id=3, username="x", role=Role.expert)
        assert store.results_frame(s, actor=expert, year=2026).height == 0


def _res(
    eid: int, programme: str, status: str, held: bool = False, failed: str = "", unknown: str = ""
) -> dict:
    return {
        "enterprise_id": eid,
        "region_code": "321003",
        "programme": programme,
        "status": status,
        "held": held,
        "score_low": None,
        "score_high": None,
        "gap": 0.0,
        "failed": failed,
        "unknown": unknown,
        "rule": "x",
    }


def test_transitions_name_who_moved_and_why() -> None:
    prev = pl.DataFrame(
        [
            _res(1, "hnte", "not_met", failed="rd_ratio_3y"),  # meets R&D this year → up
            _res(2, "hnte", "met", held=True),  # title lapsed and now fails → down
            _res(3, "hnte", "met"),  # stays
            _res(4, "hnte", "unknown", unknown="clean_record"),  # data now complete → up
        ]
    )
    now = pl.DataFrame(
        [
            _res(1, "hnte", "met"),
            _res(2, "hnte", "not_met", failed="tech_staff_ratio"),
            _res(3, "hnte", "met"),
            _res(4, "hnte", "met"),
            _res(5, "hnte", "met", held=True),  # new in the registry, holds the title
        ]
    )
    labels = {
        "hnte.rd_ratio_3y": "研发费用占比",
        "hnte.tech_staff_ratio": "科技人员占比",
        "hnte.clean_record": "无违法记录",
    }
    moved = {r["enterprise_id"]: r for r in transitions(prev, now, labels).iter_rows(named=True)}
    assert set(moved) == {1, 2, 4, 5}
    assert moved[1]["movement"] == "up" and "本年度满足：研发费用占比" in moved[1]["reasons"]
    assert moved[2]["movement"] == "down"
    assert "称号已到期或未再认定" in moved[2]["reasons"] and "不再满足：科技人员占比" in moved[2]["reasons"]
    assert "上年度缺少数据：无违法记录" in moved[4]["reasons"]
    assert "新获该称号" in moved[5]["reasons"]
    counts = summary(transitions(prev, now, labels)).row(0, named=True)
    assert (counts["up"], counts["down"]) == (3, 1)


@pytest.mark.parametrize(("rd", "expected"), [(32, Fraction(1, 5)), (40, 0), (50, 0), (0, 1)])
def test_shortfall_is_the_share_of_the_bound_still_missing(rd: int, expected: Fraction) -> None:
    frame = pl.DataFrame({"y0.rd_expense": [rd], "y0.sales_revenue": [1000]})
    cmp = E.Cmp(E.Ratio(E.Fig("rd_expense", 0), E.Fig("sales_revenue", 0)), ">=", Fraction(4, 100))
    value = frame.select(Compiler(TODAY, set(frame.columns)).shortfall(cmp)).item()
    assert value == pytest.approx(float(expected))


def test_ladder_page_shows_transitions_and_exports_them_scoped(client, factory, made) -> None:  # type: ignore[no-untyped-def]
    _city(factory, 300)
    with transaction(factory) as s:
        other = s.scalar(select(Enterprise.name).where(Enterprise.region_code == "321084").limit(1))
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    login(client, "boss")
    page = client.get("/ladder?year=2026")
    assert 'id="run-missing"' in page.text and 'href="/admin/jobs"' in page.text  # pages never compute
    with transaction(factory) as s:
        store.refresh(s, 2025)
        store.refresh(s, 2026)
    page = client.get("/ladder?year=2026")
    assert 'id="run-missing"' not in page.text and 'id="run-stale"' not in page.text
    assert page.status_code == 200
    assert (
        'id="transitions"' in page.text and "2025 → 2026" in page.text and "国科发火〔2016〕32号" in page.text
    )
    export = client.get("/ladder/transitions.xlsx?year=2026")
    assert export.status_code == 200
    moved = pl.read_excel(export.content)
    assert moved.columns == ["统一社会信用代码", "企业名称", "地区", "资质", "变化", "原因"]
    assert moved.height > 0 and set(moved["变化"].drop_nulls()) <= {"升级", "退出"}
    client.cookies.clear()
    login(client, "hj")
    page = client.get("/ladder?year=2026")
    assert page.status_code == 200 and other not in page.text
    moved = pl.read_excel(client.get("/ladder/transitions.xlsx?year=2026").content)
    assert other not in moved["企业名称"].to_list()
    assert "高邮市" not in moved["地区"].to_list()


def _form(client, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    page = client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return client.post(url, data={**data, "csrf_token": token.group(1)})


def test_self_check_evaluates_edited_figures_without_saving_them(client, factory, made) -> None:  # type: ignore[no-untyped-def]
    _city(factory, 120)
    with transaction(factory) as s:
        own = s.scalar(select(Enterprise).where(Enterprise.region_code == "321003").limit(1))
        other_id = s.scalar(select(Enterprise.id).where(Enterprise.region_code != "321003").limit(1))
        assert own is not None
        own_id = own.id
        figures_before = s.execute(
            select(EnterpriseFigures.rd_expense, EnterpriseFigures.tech_staff)
            .where(EnterpriseFigures.enterprise_id == own_id)
            .order_by(EnterpriseFigures.year)
        ).all()
        rev_before = revision.current(s)
    made.user("firm", "enterprise", enterprise_id=own_id)
    csrf_of(client)
    login(client, "firm")
    url = f"/enterprises/{own_id}/self-check"
    page = client.get(url)
    assert page.status_code == 200 and "资质自测" in page.text and 'data-programme="hnte"' in page.text
    # bad input: every problem at once, named by field and value
    bad = _form(client, url, {"tech_staff": "abc", "y0.rd_expense": "-5", "employees": "10"})
    assert bad.status_code == 422
    assert "“科技人员数”：值“abc”不是整数" in bad.text and "“上年研发费用”：值 -5 不能为负数" in bad.text
    incoherent = _form(client, url, {"employees": "10", "tech_staff": "50"})
    assert incoherent.status_code == 422 and "不能大于“职工总数”" in incoherent.text
    # a big R&D budget with all of it domestic: the HNTE R&D criterion is met in the scenario
    good = _form(
        client,
        url,
        {
            "y0.rd_expense": "900000000",
            "y0.rd_expense_domestic": "900000000",
            "y1.rd_expense": "900000000",
            "y2.rd_expense": "900000000",
        },
    )
    assert good.status_code == 200
    cards = service.profile_cards
    with transaction(factory) as s:
        actor = Actor(user_id=None, username="t", role=Role.admin)
        after = {
            c.programme: c.result
            for c in cards(
                s,
                actor=actor,
                enterprise_id=own_id,
                as_of=date.today(),
                overrides={
                    "y0.rd_expense": 900000000,
                    "y0.rd_expense_domestic": 900000000,
                    "y1.rd_expense": 900000000,
                    "y2.rd_expense": 900000000,
                },
            )
        }
        rd = next(c for c in after["hnte"]["criteria"] if c["key"] == "rd_ratio_3y")
        assert rd["status"] == "met"
        figures_after = s.execute(
            select(EnterpriseFigures.rd_expense, EnterpriseFigures.tech_staff)
            .where(EnterpriseFigures.enterprise_id == own_id)
            .order_by(EnterpriseFigures.year)
        ).all()
        assert figures_after == figures_before and revision.current(s) == rev_before
    assert f'data-status="{after["hnte"]["status"]}"' in good.text
    # another enterprise's self-check is not found for this user
    assert client.get(f"/enterprises/{other_id}/self-check").status_code == 404


def test_the_ladder_page_reads_the_stored_run_and_says_when_it_is_stale(client, factory, made) -> None:  # type: ignore[no-untyped-def]
    from kechuang.jobs.catalogue import all_jobs
    from kechuang.jobs.runner import run_job

    _city(factory, 120)
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    run_job(factory, all_jobs()["ladder_refresh"])  # today: the page's own as-of date
    with factory() as s:
        runs = s.scalar(select(func.count()).select_from(AssessmentRun))
        computed = s.scalar(select(AssessmentRun.computed_at).where(AssessmentRun.year == date.today().year))
    assert runs == 4 and computed is not None  # every year of the page's picker
    login(client, "hj")
    page = client.get(f"/ladder?year={date.today().year}")
    assert "计算于" in page.text and computed.strftime("%Y-%m-%d %H:%M") in page.text
    assert 'id="run-stale"' not in page.text and 'href="/admin/jobs"' not in page.text
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        ent = s.scalar(select(Enterprise).where(Enterprise.region_code == "321003").limit(1))
        assert ent is not None
        ent.latest_revenue = (ent.latest_revenue or 0) + 7_000_000
        revision.bump(s)
    page = client.get(f"/ladder?year={date.today().year}")
    assert 'id="run-stale"' in page.text
    with factory() as s:
        assert (
            s.scalar(select(AssessmentRun.computed_at).where(AssessmentRun.year == date.today().year))
            == computed
        )
