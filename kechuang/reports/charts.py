"""Report charts as PNG, drawn with matplotlib's object API (no pyplot, so no global state; safe in threads).

A chart must read in black-and-white print, so it is drawn in greys only:

* bars: one grey and one hatch pattern per series (``_BAR_STYLES``), black edges, the value written on
  every bar; a missing value (``None``) draws no bar and no label;
* lines: black or grey, one marker and one line style per series (``_LINE_STYLES``); a missing value
  leaves a gap in the line;
* the value axis is labelled with the unit ("单位：家"); the legend is shown when there is more than one
  series; the title is ``chart.title``.

Chinese text is set in Noto Sans CJK SC (or Noto Serif CJK SC), from Debian's ``fonts-noto-cjk``; without
it the chart fails with a RuntimeError naming the package rather than drawing empty boxes.

The output is deterministic: the same chart gives the same bytes (no software or date metadata in the
PNG). Sizes are in millimetres at the size the chart is printed (150 mm wide in the Word report), so
the font sizes in points are the printed sizes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from kechuang.reports.model import Chart

MM_PER_INCH = 25.4
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
CJK_MISSING = "未找到中文字体 Noto Sans CJK SC / Noto Serif CJK SC，无法绘制图表：请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）。"
KINDS = ("bar", "barh", "line")

# (face colour, hatch) per bar series: distinct in grey and in pattern.
_BAR_STYLES: tuple[tuple[str, str], ...] = (
    ("0.45", ""),
    ("0.85", "///"),
    ("white", "xx"),
    ("0.65", ".."),
    ("white", "\\\\\\"),
    ("0.9", "++"),
)
# (colour, line style, marker) per line series.
_LINE_STYLES: tuple[tuple[str, str, str], ...] = (
    ("black", "-", "o"),
    ("0.35", "--", "s"),
    ("black", "-.", "^"),
    ("0.5", ":", "D"),
    ("black", "--", "v"),
    ("0.35", "-", "x"),
)
_BAR_GROUP_WIDTH = 0.8  # share of a category's slot taken by its bars
_SLANT_CHARS = 48  # category labels longer than this in all are slanted
_TITLE_PT, _LABEL_PT, _TICK_PT, _VALUE_PT = 11.0, 9.0, 9.0, 7.5


def _installed_fonts() -> list[tuple[str, int]]:
    """(family name, weight) of every font matplotlib knows."""
    return [(f.name, int(f.weight)) for f in fontManager.ttflist]


def cjk_font(size: float = _LABEL_PT) -> FontProperties:
    """The Noto CJK font (sans first, then serif) at ``size`` pt; RuntimeError (in Chinese) if absent."""
    installed = {name for name, _ in _installed_fonts()}
    for family in CJK_FAMILIES:
        if family in installed:
            return FontProperties(family=family, size=size, weight="regular")
    raise RuntimeError(CJK_MISSING)


def value_text(value: float) -> str:
    """A value as labelled on a bar or an axis: thousands separated, at most 2 decimals, no trailing 0."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _check(chart: Chart) -> None:
    if chart.kind not in KINDS:
        raise ValueError(f"未知的图表类型：{chart.kind!r}（可用：{'、'.join(KINDS)}）")
    for s in chart.series:
        if len(s.values) != len(chart.categories):
            raise ValueError(
                f"图表“{chart.title}”的系列“{s.name}”有 {len(s.values)} 个值，分类有 {len(chart.categories)} 个"
            )


def _bar_offsets(n: int) -> tuple[float, list[float]]:
    """Bar width w = 0.8 / n and the offset of series i from its category's centre, (i − (n − 1) / 2)·w."""
    width = _BAR_GROUP_WIDTH / max(n, 1)
    return width, [(i - (n - 1) / 2) * width for i in range(n)]


def _present(values: Sequence[float | None], offset: float) -> tuple[list[float], list[float]]:
    """Positions (category index + offset) and values of the series' non-missing values."""
    pairs = [(k + offset, float(v)) for k, v in enumerate(values) if v is not None]
    return [p for p, _ in pairs], [v for _, v in pairs]


def _draw_bars(ax: Axes, chart: Chart, font: FontProperties) -> list[Patch]:
    """Grouped bars (vertical for "bar", horizontal for "barh") with value labels; the legend handles."""
    width, offsets = _bar_offsets(len(chart.series))
    value_font = font.copy()
    value_font.set_size(_VALUE_PT)
    handles = []
    for i, (series, offset) in enumerate(zip(chart.series, offsets, strict=True)):
        face, hatch = _BAR_STYLES[i % len(_BAR_STYLES)]
        style: dict[str, Any] = {"color": face, "hatch": hatch, "edgecolor": "black", "linewidth": 0.6}
        positions, values = _present(series.values, offset)
        if chart.kind == "barh":
            bars = ax.barh(positions, values, height=width, **style)
        else:
            bars = ax.bar(positions, values, width=width, **style)
        ax.bar_label(bars, labels=[value_text(v) for v in values], padding=1.5, fontproperties=value_font)
        handles.append(
            Patch(facecolor=face, hatch=hatch, edgecolor="black", linewidth=0.6, label=series.name)
        )
    return handles


def _draw_lines(ax: Axes, chart: Chart) -> list[object]:
    """One line per series; None becomes NaN, which matplotlib leaves as a gap."""
    handles: list[object] = []
    for i, series in enumerate(chart.series):
        colour, linestyle, marker = _LINE_STYLES[i % len(_LINE_STYLES)]
        ys = [math.nan if v is None else float(v) for v in series.values]
        (line,) = ax.plot(
            range(len(ys)), ys, color=colour, linestyle=linestyle, marker=marker, markersize=4, linewidth=1.4
        )
        line.set_label(series.name)
        handles.append(line)
    return handles


def _category_axis(ax: Axes, chart: Chart, font: FontProperties) -> None:
    """Categories on x (bar, line) or y (barh, first category on top); slanted by 30° when the labels
    together run over ``_SLANT_CHARS`` characters."""
    ticks = list(range(len(chart.categories)))
    if chart.kind == "barh":
        ax.set_yticks(ticks, list(chart.categories), fontproperties=font)
        ax.invert_yaxis()
        return
    slant = sum(len(c) for c in chart.categories) > _SLANT_CHARS
    ax.set_xticks(
        ticks,
        list(chart.categories),
        fontproperties=font,
        rotation=30 if slant else 0,
        ha="right" if slant else "center",
    )


def _value_axis(ax: Axes, chart: Chart, font: FontProperties) -> None:
    """The value axis: "单位：…" label, plain numbers (no 1e5 offsets), a light dashed grid behind."""
    axis = ax.xaxis if chart.kind == "barh" else ax.yaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: value_text(v)))
    for label in axis.get_ticklabels():
        label.set_fontproperties(font)
    if chart.unit:
        axis.set_label_text(f"单位：{chart.unit}", fontproperties=font)
    ax.grid(True, axis="x" if chart.kind == "barh" else "y", color="0.8", linestyle="--", linewidth=0.5)
    ax.set_axisbelow(True)
    if chart.kind == "barh":
        ax.margins(x=0.12)
    else:
        ax.margins(y=0.12)


def _decorate(ax: Axes, chart: Chart, font: FontProperties, handles: Sequence[object]) -> None:
    title_font = font.copy()
    title_font.set_size(_TITLE_PT)
    ax.set_title(chart.title, fontproperties=title_font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_TICK_PT)
    if len(chart.series) > 1:
        ax.legend(handles=list(handles), prop=font, frameon=False, loc="best")


def _figure(chart: Chart, width_mm: float, height_mm: float, dpi: int) -> Figure:
    font = cjk_font(_LABEL_PT)
    fig = Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    handles: Sequence[object]
    handles = _draw_lines(ax, chart) if chart.kind == "line" else _draw_bars(ax, chart, font)
    _category_axis(ax, chart, font)
    _value_axis(ax, chart, font)
    _decorate(ax, chart, font, handles)
    return fig


def render_png(chart: Chart, width_mm: float = 150, height_mm: float = 80, dpi: int = 200) -> bytes:
    """The chart as PNG bytes, ``width_mm`` × ``height_mm`` at ``dpi`` (pixels = ⌊mm / 25.4 · dpi⌋).

    kinds: "bar" (grouped vertical bars), "barh" (grouped horizontal bars), "line". Raises ValueError
    for an unknown kind or a series whose length differs from the categories', RuntimeError when no
    CJK font is installed. Same chart → same bytes.
    """
    _check(chart)
    fig = _figure(chart, width_mm, height_mm, dpi)
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
