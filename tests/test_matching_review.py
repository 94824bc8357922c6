"""Challenge review, pure: weighted totals at the edges, trimmed means, score problems all at once,
conflicts of interest by organisation, the bid deadline."""

from __future__ import annotations

from datetime import datetime

import pytest

from kechuang.matching.review import (
    Criteria,
    bid_score,
    builtin,
    conflict,
    late,
    organisation,
    reviewer_total,
    score_problems,
)

C = builtin()
FULL = {c.code: c.max for c in C.items}


def test_builtin_criteria_are_the_published_five_with_weights_summing_to_100() -> None:
    assert [c.name for c in C.items] == ["研究基础", "技术方案", "技术指标", "财务指标", "产业带动"]
    assert sum(c.weight for c in C.items) == 100 and C.version and C.source


@pytest.mark.parametrize(
    ("scores", "total"),
    [
        (FULL, 100.0),
        ({c: 0 for c in FULL}, 0.0),
        ({**{c: 0 for c in FULL}, "plan": 100}, 30.0),
        ({"foundation": 80, "plan": 90, "targets": 70, "finance": 60, "industry": 50}, 73.0),
    ],
)
def test_reviewer_total(scores: dict[str, float], total: float) -> None:
    assert reviewer_total(scores, C) == total


def test_score_problems_all_at_once() -> None:
    problems = score_problems({"foundation": 120, "plan": "高", "targets": True, "bogus": 1}, C)
    fields = [p.field for p in problems]
    assert fields == [
        "scores.bogus",
        "scores.foundation",
        "scores.plan",
        "scores.targets",
        "scores.finance",
        "scores.industry",
    ]
    assert score_problems(FULL, C) == []


@pytest.mark.parametrize(
    ("totals", "score"),
    [
        ([], None),
        ([80.0], 80.0),
        ([70.0, 90.0], 80.0),
        ([60.0, 70.0, 80.0, 90.0, 100.0], 80.0),
        ([0, 80, 80, 80, 80], 80.0),
    ],
)
def test_bid_score_trims_highest_and_lowest_from_five(totals: list[float], score: float | None) -> None:
    assert bid_score(totals, C) == score


def test_trim_threshold_is_data() -> None:
    data = {
        "criteria_set": "x",
        "version": "1",
        "source": "s",
        "trim_from": 3,
        "criteria": [{"code": "a", "name": "A", "weight": 1}],
    }
    assert bid_score([0.0, 50.0, 100.0], Criteria.of(data)) == 50.0


@pytest.mark.parametrize(
    ("reviewer", "bidders", "found"),
    [
        ("扬州大学机械工程学院", ["扬州大学"], "扬州大学"),
        ("扬州大学", ["扬州大学机械工程学院储能团队"], "扬州大学机械工程学院储能团队"),
        ("江苏某某科技有限公司", ["江苏某某科技股份有限公司"], "江苏某某科技股份有限公司"),
        ("东南大学", ["扬州大学", "南京工业大学"], None),
        ("", ["扬州大学"], None),
        ("中国科学院苏州纳米所", ["中国科学院"], "中国科学院"),
        ("中国科学院大连化学物理研究所", ["中国科学院苏州纳米技术与纳米仿生研究所"], None),
    ],
)
def test_conflict_of_interest(reviewer: str, bidders: list[str], found: str | None) -> None:
    assert conflict(reviewer, bidders) == found


def test_organisation_and_deadline() -> None:
    assert organisation("扬州 华能电缆 有限公司") == "扬州华能电缆"
    deadline = datetime(2027, 3, 31, 17, 0)
    assert late(datetime(2027, 3, 31, 16, 59), deadline) is None
    assert "2027-03-31 17:00" in (late(datetime(2027, 3, 31, 17, 1), deadline) or "")
