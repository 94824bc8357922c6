"""Random contract records that crowd every threshold: the batch-vs-record agreement test and the
assessment benchmark draw from here (fixed seed, so failures reproduce)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from kechuang.rules.assess import DIRECT, FLAGS

MONEY = (0, 1_000_000, 10_000_000, 15_000_000, 20_000_000, 50_000_000, 100_000_000, 200_000_000)


def _money(rnd: random.Random) -> int:
    base = rnd.choice(MONEY)
    return max(0, base + rnd.choice((0, 0, 1, -1, rnd.randint(-base // 3 - 1, base // 3 + 1))))


def record(rnd: random.Random, as_of: date, missing: float = 0.1) -> dict[str, Any]:
    """One record; each field is absent with probability ``missing``; ratios land on thresholds often."""

    def maybe(value: Any) -> Any:
        return None if rnd.random() < missing else value

    y = as_of.year - 1
    years: dict[str, dict[str, Any]] = {}
    for back in range(5):
        sales = _money(rnd)
        op = sales + rnd.choice((0, 0, rnd.randint(0, 5_000_000)))
        ratio = rnd.choice((0, 1, 2, 3, 4, 5, 6, 10, 30, 50, 55, 60, 70, 75, 80, 90))
        rd = op * ratio // 100 + rnd.choice((0, 0, 1, -1)) if op else rnd.choice((0, 1_000_000))
        assets = _money(rnd) + 1
        years[str(y - back)] = {
            k: v
            for k, v in {
                "sales_revenue": maybe(sales),
                "operating_revenue": maybe(op),
                "main_business_revenue": maybe(op * rnd.choice((50, 55, 60, 70, 80, 90, 100)) // 100),
                "rd_expense": maybe(max(rd, 0)),
                "rd_expense_domestic": maybe(max(rd, 0) * rnd.choice((50, 60, 100)) // 100),
                "high_tech_revenue": maybe(op * rnd.choice((0, 59, 60, 61, 100)) // 100),
                "total_cost": maybe(rnd.choice((0, op, op * 10 // 3))),
                "total_income": maybe(rnd.choice((op, op + 1))),
                "total_assets": maybe(assets),
                "total_liabilities": maybe(assets * rnd.choice((0, 55, 70, 75, 80, 90)) // 100),
                "profit": maybe(rnd.randint(-1_000_000, 10_000_000)),
            }.items()
            if v is not None
        }
    employees = rnd.choice((5, 10, 20, 100, 500, 501))
    rec: dict[str, Any] = {
        "id": rnd.randrange(10**9),
        "registered_on": maybe(
            (as_of - timedelta(days=rnd.choice((100, 364, 365, 366, 800, 2000, 4000)))).isoformat()
        ),
        "employees": maybe(employees),
        "tech_staff": maybe(employees * rnd.choice((0, 9, 10, 15, 20, 25, 30, 40)) // 100),
        "rd_staff": maybe(employees * rnd.choice((0, 49, 50, 60)) // 100),
        "niche_years": maybe(rnd.choice((1, 2, 3, 5))),
        "market_rank": maybe(rnd.choice((1, 3, 4, 10))),
        "market_share": maybe(rnd.choice(("0.05", "0.1", "0.1001", "0.3"))),
        "specialized_score": maybe(rnd.choice((40, 49.5, 50, 59.99, 60, 75))),
        "equity_financing_2y": maybe(rnd.choice((0, 20_000_000, 60_000_000, 80_000_000))),
        "equity_financing_3y": maybe(rnd.choice((0, 4_999_999, 5_000_000))),
        "valuation_usd": maybe(rnd.choice((0, 100_000_000, 500_000_000, 1_000_000_000, 1_000_000_001))),
        "years": years,
        "ip": {
            k: maybe(rnd.choice((0, 1, 2, 3, 4, 5)))
            for k in ("class_i", "class_ii", "class_i_high_value", "class_i_self_developed")
        },
        "hnte_expert_scores": {
            k: maybe(rnd.randint(0, top))
            for k, top in (("ip", 30), ("conversion", 30), ("rd_management", 20))
        },
        "direct": {k: maybe(rnd.random() < 0.1) for k in DIRECT},
    }
    for name in FLAGS:
        rec[name] = maybe(rnd.random() < 0.7)
    return rec


def records(n: int, as_of: date, seed: int = 2026, missing: float = 0.1) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    return [record(rnd, as_of, missing) for _ in range(n)]
