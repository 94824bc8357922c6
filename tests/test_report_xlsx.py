"""The report as a workbook (text, a typed sheet per table, a native chart per chart, the sources), and
the export tables written by the same sheet writer (``workbook.write_table_sheet``)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from kechuang.reports.model import Chart, Report, Section, Series, Source, footnotes
from kechuang.reports.xlsx import sheet_name, write_xlsx
from kechuang.workbook import Table, write_tables
from tests.report_sample import sample_report

SHEETS = ["报告", "各地区高新技术企业数", "各地区主要指标", "全社会研发投入累计", "数据来源"]


@pytest.fixture(scope="module")
def content() -> bytes:
    return write_xlsx(sample_report())


@pytest.fixture(scope="module")
def book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, col: int = 1) -> list[object]:
    return [ws.cell(r, col).value for r in range(1, ws.max_row + 1)]


def _fill(cell: openpyxl.cell.cell.Cell) -> str:
    return str(cell.fill.fgColor.rgb)[-6:].upper()


def test_sheets_in_reading_order(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS


def test_the_text_sheet_has_numbered_headings_figures_and_placeholders(book: openpyxl.Workbook) -> None:
    ws = book["报告"]
    lines = [v for v in _column(ws) if v]
    assert lines[:3] == ["扬州市科学技术局2026年工作总结", "扬州市科学技术局 2026年12月7日", "一、核心指标"]
    assert ws["A1"].font.b
    for expected in (
        "全年新增国家高新技术企业712家[1]、累计达1774家[1]，均位居全省第6位。",
        "全社会研发投入187.65亿元[2]，高新技术产业产值占比48.3%[2]。",
        "（一）创新主体培育",
        "依据3项[3]认定条件测算。",
        "表：各地区主要指标[2]（见工作表“各地区主要指标”）",
        "1. 小升高",
        "图 2\u3000全社会研发投入累计（单位：万元）[2]（见工作表“全社会研发投入累计”）",
        "二、2027年工作计划",
        "【待填写：明年工作思路和重点任务】",
    ):
        assert expected in lines, expected
    assert lines.index("一、核心指标") < lines.index("（一）创新主体培育") < lines.index("1. 小升高")
    placeholder = ws.cell(_column(ws).index("【待填写：明年工作思路和重点任务】") + 1, 1)
    assert placeholder.font.i and placeholder.border.left.style == "dashed"
    assert ws.cell(_column(ws).index("二、2027年工作计划") + 1, 1).font.b


def test_a_table_sheet_holds_typed_values_with_number_formats(book: openpyxl.Workbook) -> None:
    ws = book["各地区主要指标"]
    assert [c.value for c in ws[1]] == [
        "地区",
        "研发投入（万元）",
        "高新技术企业（家）",
        "占比",
        "排名",
        "灯",
    ]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:F61"
    expected = [
        ("广陵区", "General"),
        (12345.6, "#,##0.00"),
        (100, "#,##0"),
        (0.3, "0.0%"),
        (1, "#,##0"),
        ("绿", "General"),
    ]
    assert [(c.value, c.number_format) for c in ws[2]] == expected
    assert all(ws.cell(2, col).data_type == "n" for col in range(2, 6))
    assert ws["D61"].value == pytest.approx(0.359) and ws["E61"].value == 60
    assert [ws[f"F{r}"].value for r in (2, 3, 4)] == ["绿", "黄", "红"]
    assert [_fill(ws[f"F{r}"]) for r in (2, 3, 4)] == ["D7F0DB", "FFF1C2", "F9D3D0"]  # Light.tint
    assert ws["A62"].value is None
    assert ws["A63"].value == "研发投入为年初至 10 月累计。"
    assert (
        ws["A64"].value == "资料来源：[2] 指标月度数据 rd_spending（导入 月报.xlsx 第 3 行）（截至 2026-10）"
    )


def test_chart_sheets_hold_their_data_and_a_native_chart(book: openpyxl.Workbook, content: bytes) -> None:
    bars = book["各地区高新技术企业数"]
    assert [c.value for c in bars[1]] == ["类别", "2025年（家）", "2026年（家）"]
    assert [bars.cell(r, 1).value for r in range(2, 8)] == [
        "广陵区",
        "邗江区",
        "江都区",
        "宝应县",
        "仪征市",
        "高邮市",
    ]
    assert bars["B3"].value == 420 and bars["C3"].value == 470 and bars["C7"].value is None
    assert "资料来源：[1] 企业名录 资质表（导入 名录2026.xlsx）（截至 2026-11-30）" in _column(bars)
    line = book["全社会研发投入累计"]
    assert line["B11"].value == 180000
    assert len(bars._charts) == 1 and len(line._charts) == 1
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        column, trend = (z.read(f"xl/charts/chart{i}.xml").decode() for i in (1, 2))
    assert '<c:barDir val="col"/>' in column and "<c:lineChart>" in trend
    assert "各地区高新技术企业数!$B$2:$B$7" in column and "各地区高新技术企业数!$A$2:$A$7" in column
    assert "单位：家" in column and "单位：万元" in trend
    assert "<a:pattFill" in column  # the second series patterned: readable in black and white
    assert '<a:srgbClr val="000000"/></a:solidFill><a:prstDash val="solid"/>' in trend  # a black line
    assert '<c:marker><c:symbol val="circle"/>' in trend


def test_a_horizontal_bar_chart_is_an_excel_bar_chart() -> None:
    src = Source("测算", "2026-12")
    chart = Chart("c", "横条", "barh", ("甲", "乙"), (Series("一", (1.5, 2.25)),), "万元", src)
    content = write_xlsx(Report("annual", "报告", "", {}, (Section("章", (chart,)),)))
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    assert '<c:barDir val="bar"/>' in xml and "单位：万元" in xml
    ws = openpyxl.load_workbook(io.BytesIO(content))["横条"]
    assert ws["B2"].value == 1.5 and ws["B2"].number_format == "#,##0.00"


def test_the_sources_sheet_lists_every_footnote(book: openpyxl.Workbook) -> None:
    ws = book["数据来源"]
    notes = footnotes(sample_report())
    assert [c.value for c in ws[1]] == ["序号", "数据来源", "截至"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=1 + len(notes))]
    assert rows == [[f"[{n}]", s.text, s.as_of] for n, s in enumerate(notes, start=1)]
    assert len(rows) == 3
    assert ws.cell(len(notes) + 3, 1).value == "数据截至：2026-12-07"


def test_the_same_report_gives_the_same_bytes(content: bytes) -> None:
    assert write_xlsx(sample_report()) == content


def test_sheet_names_excel_takes() -> None:
    taken: set[str] = {"报告"}
    assert sheet_name("a/b[c]:d*e?f\\g", taken) == "a_b_c__d_e_f_g"
    long = "各地区主要指标" * 6
    first = sheet_name(long, taken)
    second = sheet_name(long, taken)
    assert first == long[:31] and len(second) == 31 and second.endswith("(2)")
    assert sheet_name("报告", taken) == "报告(2)"
    assert sheet_name("ABC", taken) == "ABC" and sheet_name("abc", taken) == "abc(2)"
    assert sheet_name("'引号'", taken) == "引号"
    assert sheet_name("[]", taken) == "__"


# -- the export tables through the same sheet writer ---------------------------------------------------------


def test_write_tables_keeps_header_values_tints_and_note() -> None:
    tint = {"绿灯": "#D7F0DB", "红灯": "#F9D3D0"}
    content = write_tables(
        [
            Table(
                "目标进度",
                ["地区", "指标", "完成率", "灯色"],
                [
                    ["广陵区", "研发投入", 0.92, "绿灯"],
                    ["邗江区", "=SUM(A1)", None, "红灯"],
                    ["江都区", "0012", 3, "黄灯"],
                ],
                note="计算于 2026-12-07",
                width=14,
                freeze=(1, 2),
                tint={3: tint},
            ),
            Table("说明", ["注"], [], width=90),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["目标进度", "说明"]
    ws = book["目标进度"]
    assert [c.value for c in ws[1]] == ["地区", "指标", "完成率", "灯色"]
    assert all(c.font.b and _fill(c) == "F2F4F7" for c in ws[1])
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=4)] == [
        ["广陵区", "研发投入", 0.92, "绿灯"],
        ["邗江区", "=SUM(A1)", None, "红灯"],
        ["江都区", "0012", 3, "黄灯"],
    ]
    assert ws["B3"].data_type == "s" and ws["B4"].data_type == "s"  # text stays text
    assert [_fill(ws[f"D{r}"]) for r in (2, 3)] == ["D7F0DB", "F9D3D0"]
    assert ws["D4"].fill.fill_type is None and ws["A2"].fill.fill_type is None
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref is None
    assert ws["A5"].value is None and ws["A6"].value == "计算于 2026-12-07"
    assert ws.column_dimensions["A"].width == pytest.approx(14.71, abs=1)
    empty = book["说明"]
    assert [c.value for c in empty[1]] == ["注"] and empty.max_row == 1
