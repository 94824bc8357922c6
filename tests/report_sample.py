"""A report that uses every part of the report model, for the writers' tests (no database needed)."""

from __future__ import annotations

from kechuang.reports.model import (
    Chart,
    Column,
    Paragraph,
    Placeholder,
    Report,
    Section,
    Series,
    Source,
    Table,
    count_fig,
    ratio_fig,
    wan_fig,
)

DISTRICTS = ("广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市")


def sample_report(rows: int = 60) -> Report:
    titles = Source("企业名录 资质表（导入 名录2026.xlsx）", "2026-11-30")
    figures = Source("指标月度数据 rd_spending（导入 月报.xlsx 第 3 行）", "2026-10")
    rule = Source("高新技术企业认定管理办法 国科发火〔2016〕32号 hnte/2016 v1", "2026-12-01")
    new = count_fig("hnte.new", 712, "家", titles)
    total = count_fig("hnte.total", 1774, "家", titles)
    rd = wan_fig("rd_spending", 1_876_543.2, figures)
    share = ratio_fig("high_tech_output_share", 0.4832, figures)
    table = Table(
        "districts",
        "各地区主要指标",
        (
            Column("地区"),
            Column("研发投入", "money_wan", "万元"),
            Column("高新技术企业", "count", "家"),
            Column("占比", "ratio"),
            Column("排名", "rank"),
            Column("灯", "light"),
        ),
        tuple(
            (
                f"{DISTRICTS[i % 6]}{i // 6 or ''}",
                12345.6 + i,
                100 + i,
                0.3 + i / 1000,
                i + 1,
                ("green", "yellow", "red")[i % 3],
            )
            for i in range(rows)
        ),
        figures,
        note="研发投入为年初至 10 月累计。",
    )
    chart = Chart(
        "districts.hnte",
        "各地区高新技术企业数",
        "bar",
        DISTRICTS,
        (
            Series("2025年", (300.0, 420.0, 260.0, 120.0, 180.0, 150.0)),
            Series("2026年", (330.0, 470.0, 280.0, 130.0, 200.0, None)),
        ),
        "家",
        titles,
    )
    trend = Chart(
        "rd.trend",
        "全社会研发投入累计",
        "line",
        tuple(f"{m}月" for m in range(1, 11)),
        (Series("2026年", tuple(float(m * 18_000) for m in range(1, 11))),),
        "万元",
        figures,
    )
    return Report(
        kind="annual",
        title="扬州市科学技术局2026年工作总结",
        subtitle="扬州市科学技术局 2026年12月7日",
        meta={
            "kind": "annual",
            "region_code": "321000",
            "region_name": "扬州市",
            "year": 2026,
            "as_of": "2026-12-07",
        },
        sections=(
            Section(
                "核心指标",
                (
                    Paragraph(("全年新增国家高新技术企业", new, "、累计达", total, "，均位居全省第6位。")),
                    Paragraph(("全社会研发投入", rd, "，高新技术产业产值占比", share, "。")),
                    chart,
                ),
                (
                    Section(
                        "创新主体培育",
                        (
                            Paragraph(("依据", count_fig("rule.checked", 3, "项", rule), "认定条件测算。")),
                            table,
                        ),
                        (Section("小升高", (Paragraph(("培育库企业稳步增加。",)), trend)),),
                    ),
                ),
            ),
            Section("2027年工作计划", (Placeholder("明年工作思路和重点任务"),)),
        ),
    )
