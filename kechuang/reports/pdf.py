"""The report as PDF: its print HTML (GB/T 9704-2012: A4, margins 37 / 26 / 35 / 28 mm, 3号 body in
22 lines of 28 characters; see ``kechuang.reports.html``) typeset by WeasyPrint.

Everything is local: the fonts are Debian's fonts-noto-cjk (Noto Serif CJK SC for 仿宋 / 楷体 / 宋体 /
小标宋, Noto Sans CJK SC for 黑体), found by fontconfig; the charts are inline PNG; the URL fetcher
refuses every URL but ``data:``, so nothing is fetched over the network. Before typesetting, every
character of the report is checked against those fonts' character maps: a character without a glyph
would print as an empty box, so the report is refused instead, naming the characters.

The same report gives the same bytes: no PDF identifier, and the creation and modification dates are
the report's ``generated_at`` (none if it has none).
"""

from __future__ import annotations

import functools
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kechuang.reports.html import report_html
from kechuang.reports.model import Report

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian, Ubuntu: fonts-noto-cjk
    Path("/usr/share/fonts/noto-cjk"),  # Arch
    Path("/usr/share/fonts/google-noto-cjk"),  # Fedora
)
# (file, family): the faces the print style falls back to.
FONTS = (
    ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
)
PAGE_NUMBER_TEXT = "— 0123456789 —"  # @page @bottom-center: "— n —"
FONTS_MISSING = (
    "未找到 PDF 所需的中文字体 {files}（在 {dirs} 中查找）：请安装 Debian 软件包 fonts-noto-cjk"
    "（apt-get install fonts-noto-cjk）。"
)
PANGO_MISSING = (
    "无法加载 WeasyPrint（生成 PDF 需要 Pango 库：{error}）：请安装 Debian 软件包 "
    "libpango-1.0-0 libpangoft2-1.0-0（apt-get install libpango-1.0-0 libpangoft2-1.0-0）。"
)


class MissingGlyphsError(ValueError):
    """The report has characters the PDF fonts cannot show."""

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars
        shown = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in chars[:20])
        more = f"等 {len(chars)} 个字符" if len(chars) > 20 else ""
        super().__init__(
            f"报告中有字体 Noto CJK SC 没有字形的字符，印出来会是空框：{shown}{more}。请改用常用字符后再生成 PDF。"
        )


# -- fonts -------------------------------------------------------------------------------------------------


def font_files() -> list[tuple[Path, str]]:
    """(path, family) of each font the PDF uses; RuntimeError (in Chinese) when one is not installed."""
    found = []
    for name, family in FONTS:
        path = next((d / name for d in FONT_DIRS if (d / name).is_file()), None)
        if path is None:
            files = "、".join(n for n, _ in FONTS)
            raise RuntimeError(FONTS_MISSING.format(files=files, dirs="、".join(map(str, FONT_DIRS))))
        found.append((path, family))
    return found


def _family(font: Any) -> str:
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


@functools.cache
def font_cmap(path: Path, family: str) -> frozenset[int]:
    """The code points that the face ``family`` of the collection (.ttc) or font at ``path`` maps."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        collection = TTCollection(str(path), lazy=True)
        faces = [f for f in collection.fonts if _family(f) == family]
        if not faces:
            raise RuntimeError(f"字体文件 {path} 中没有字体“{family}”：请重新安装 fonts-noto-cjk。")
        return frozenset(faces[0].getBestCmap())
    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of ``text`` (in order) that one of the PDF's fonts has no glyph for;
    white space and control characters are not drawn and never missing."""
    cmaps = [font_cmap(path, family) for path, family in font_files()]
    missing: dict[str, None] = {}
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cc":
            continue
        if any(ord(char) not in cmap for cmap in cmaps):
            missing.setdefault(char, None)
    return list(missing)


class _TextOf(HTMLParser):
    """The text an HTML document shows (not its <style>, <title> or attributes)."""

    HIDDEN = frozenset({"style", "script", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in self.HIDDEN and self._hidden > 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


# -- typesetting -------------------------------------------------------------------------------------------


def _weasyprint() -> Any:
    """WeasyPrint, imported on first use (it loads Pango through cffi)."""
    try:
        import weasyprint
    except OSError as error:  # the shared libraries are missing
        raise RuntimeError(PANGO_MISSING.format(error=error)) from error
    return weasyprint


def offline_fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches ``data:`` URLs only: http(s), ftp and file URLs are refused."""
    return weasyprint.urls.URLFetcher(allowed_protocols=("data",))


def html_pdf(html: str) -> bytes:
    """HTML typeset as PDF by WeasyPrint, offline (see ``offline_fetcher``), without a PDF identifier."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=offline_fetcher(weasyprint))
    return bytes(document.write_pdf(pdf_identifier=False))


def write_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (GB/T 9704-2012), its fonts embedded. RuntimeError when the fonts or
    Pango are not installed; ``MissingGlyphsError`` when the report has a character the fonts lack."""
    font_files()
    html = report_html(report, for_print=True)
    missing = missing_glyphs(shown_text(html) + PAGE_NUMBER_TEXT)
    if missing:
        raise MissingGlyphsError(missing)
    return html_pdf(html)
