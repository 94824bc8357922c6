"""Report charts: PNG bytes, deterministic, every kind, gaps for missing values, greys and hatches for
black-and-white print, and a clear error without a CJK font."""

from __future__ import annotations

import dataclasses
import math
import struct

import pytest

from kechuang.reports import charts
from kechuang.reports.model import Chart, Series, Source, blocks
from tests.report_sample import sample_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chart(kind: str = "bar", series: tuple[Series, ...] | None = None) -> Chart:
    return Chart(
        "t",
        "各地区高新技术企业数",
        kind,
        ("广陵区", "邗江区", "江都区"),
        series or (Series("2025年", (300.0, 420.0, 260.0)), Series("2026年", (330.0, None, 280.0))),
        "家",
        Source("企业名录", "2026-11-30"),
    )


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk (bytes 16–24)."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("kind", ["bar", "barh", "line"])
def test_every_kind_renders_a_png_of_the_asked_size(kind: str) -> None:
    png = charts.render_png(_chart(kind), width_mm=150, height_mm=80, dpi=100)
    assert png.startswith(PNG_SIGNATURE)
    assert _png_size(png) == (int(150 / 25.4 * 100), int(80 / 25.4 * 100))  # (590, 314)


def test_same_chart_same_bytes_and_other_data_other_bytes() -> None:
    chart = _chart()
    first = charts.render_png(chart, dpi=80)
    assert charts.render_png(chart, dpi=80) == first
    other = dataclasses.replace(chart, series=(Series("2025年", (1.0, 2.0, 3.0)),))
    assert charts.render_png(other, dpi=80) != first
    assert b"matplotlib" not in first.lower()  # no Software metadata


def test_the_sample_reports_charts_render() -> None:
    found = [b for b in blocks(sample_report()) if isinstance(b, Chart)]
    assert [c.kind for c in found] == ["bar", "line"]
    for chart in found:
        assert charts.render_png(chart, dpi=60).startswith(PNG_SIGNATURE)


def test_bars_carry_value_labels_except_for_missing_values() -> None:
    fig = charts._figure(_chart("bar"), 150, 80, 72)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["260", "280", "300", "330", "420"]
    assert len(ax.patches) == 5  # the None leaves no bar
    assert ax.get_ylabel() == "单位：家"
    assert ax.get_title() == "各地区高新技术企业数"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["广陵区", "邗江区", "江都区"]


def test_series_differ_in_grey_and_hatch() -> None:
    fig = charts._figure(_chart("barh"), 150, 80, 72)
    ax = fig.axes[0]
    styles = {(p.get_hatch() or "", p.get_facecolor()) for p in ax.patches}
    assert len(styles) == 2
    for _, (r, g, b, _a) in styles:
        assert r == g == b  # grey only
    assert ax.get_xlabel() == "单位：家"
    legend = ax.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == ["2025年", "2026年"]


def test_one_series_has_no_legend() -> None:
    fig = charts._figure(_chart("bar", (Series("2026年", (1.0, 2.0, 3.0)),)), 150, 80, 72)
    assert fig.axes[0].get_legend() is None


def test_lines_leave_a_gap_for_a_missing_value_and_differ_in_marker_and_style() -> None:
    fig = charts._figure(_chart("line"), 150, 80, 72)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    ys = list(lines[1].get_ydata())
    assert ys[0] == 330.0 and math.isnan(ys[1]) and ys[2] == 280.0
    assert lines[0].get_marker() != lines[1].get_marker()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()


def test_all_values_missing_still_renders() -> None:
    chart = _chart("bar", (Series("甲", (None, None, None)), Series("乙", (None, 1.0, None))))
    assert charts.render_png(chart, dpi=60).startswith(PNG_SIGNATURE)


def test_chinese_text_uses_noto_cjk() -> None:
    font = charts.cjk_font()
    assert font.get_family()[0] in charts.CJK_FAMILIES


def test_missing_cjk_font_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "_installed_fonts", lambda: [("DejaVu Sans", 400)])
    with pytest.raises(RuntimeError, match="fonts-noto-cjk") as caught:
        charts.render_png(_chart())
    assert "中文字体" in str(caught.value)


def test_bad_charts_are_refused() -> None:
    with pytest.raises(ValueError, match="未知的图表类型"):
        charts.render_png(_chart("pie"))
    with pytest.raises(ValueError, match="2026年"):
        charts.render_png(_chart("bar", (Series("2026年", (1.0, 2.0)),)))


@pytest.mark.parametrize(
    ("value", "text"), [(300.0, "300"), (1234567.0, "1,234,567"), (0.25, "0.25"), (1.5, "1.5"), (-0.001, "0")]
)
def test_value_text(value: float, text: str) -> None:
    assert charts.value_text(value) == text
