"""The self-check's "what if" figures: which registry figures an enterprise may change for one
evaluation (never saved), and the coherence they must keep."""

from __future__ import annotations

from typing import Any

WHAT_IF_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("employees", "职工总数", "人"),
    ("tech_staff", "科技人员数", "人"),
    ("y0.operating_revenue", "上年营业收入", "元"),
    ("y0.sales_revenue", "上年销售收入", "元"),
    ("y0.rd_expense", "上年研发费用", "元"),
    ("y0.rd_expense_domestic", "上年境内研发费用", "元"),
    ("y0.high_tech_revenue", "上年高新技术产品（服务）收入", "元"),
    ("y1.rd_expense", "前年研发费用", "元"),
    ("y2.rd_expense", "大前年研发费用", "元"),
    ("ip.class_i", "Ⅰ类知识产权（件）", "件"),
    ("ip.class_ii", "Ⅱ类知识产权（件）", "件"),
)


CONSISTENT = (
    ("tech_staff", "employees"),
    ("y0.rd_expense_domestic", "y0.rd_expense"),
    ("y0.high_tech_revenue", "y0.sales_revenue"),
)
LABELS = {key: label for key, label, _ in WHAT_IF_FIELDS}


def consistency(values: dict[str, int], current: dict[str, Any]) -> list[str]:
    """Edited figures must stay coherent with each other (or with the registered ones)."""
    problems = []
    for part, whole in CONSISTENT:
        if part not in values and whole not in values:
            continue
        a, b = values.get(part, current.get(part)), values.get(whole, current.get(whole))
        if a is not None and b is not None and a > b:
            problems.append(f"“{LABELS[part]}”{a} 不能大于“{LABELS[whole]}”{b}")
    return problems
