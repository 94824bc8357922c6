"""The report as PDF (GB/T 9704-2012 layout) and its HTML: A4 pages, the table header on every page the
table spans, embedded Noto CJK SC fonts only, numbered headings, footnotes, no glyph missing, nothing
fetched over the network."""

from __future__ import annotations

import builtins
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pypdf import PdfReader

from kechuang.reports import pdf as pdf_module
from kechuang.reports.html import report_html
from kechuang.reports.model import (
    Paragraph,
    Placeholder,
    Report,
    Section,
    chinese_numeral,
    heading_number,
    numbered,
)
from kechuang.reports.pdf import MissingGlyphsError, html_pdf, missing_glyphs, shown_text, write_pdf
from tests.report_sample import sample_report

A4 = (595.28, 841.89)
HEADERS = ("研发投入（万元）", "高新技术企业（家）")


@pytest.fixture(scope="module")
def content() -> bytes:
    return write_pdf(sample_report())


@pytest.fixture(scope="module")
def reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


@pytest.fixture(scope="module")
def pages(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_every_page_is_a4(reader: PdfReader) -> None:
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4[0], abs=1)
        assert float(box.height) == pytest.approx(A4[1], abs=1)


def test_the_table_spans_pages_and_repeats_its_header_on_each(pages: list[str]) -> None:
    assert len(pages) > 1
    with_rows = [i for i, text in enumerate(pages) if re.search(r"12,3\d\d\.60", text)]
    assert len(with_rows) >= 2, "60 rows fit on one page?"
    assert with_rows == list(range(with_rows[0], with_rows[-1] + 1))
    for i in with_rows:
        for header in HEADERS:
            assert header in pages[i], (i, header)
    last = pages[with_rows[-1]]
    assert "高邮市9" in last and "资料来源：[2] 指标月度数据" in last.replace("\n", "")


def _fonts(reader: PdfReader) -> list[Any]:
    fonts = []
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            fonts.append(ref.get_object())
    return fonts


def _descriptors(font: Any) -> list[Any]:
    if "/DescendantFonts" in font:
        return [d.get_object()["/FontDescriptor"].get_object() for d in font["/DescendantFonts"]]
    return [font["/FontDescriptor"].get_object()]


def test_every_font_is_embedded_and_is_noto_cjk_sc(reader: PdfReader) -> None:
    fonts = _fonts(reader)
    assert fonts
    for font in fonts:
        for descriptor in _descriptors(font):
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
    names = {str(f["/BaseFont"]).split("+", 1)[-1] for f in fonts}
    # body 仿宋 → Noto Serif, title → Noto Serif Bold, headings 一、 → Noto Sans (黑体); no DejaVu, no JP
    assert names == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}


def test_the_text_holds_title_numbered_headings_figures_and_sources(pages: list[str]) -> None:
    text = "".join(pages).replace("\n", "")
    for expected in (
        "扬州市科学技术局2026年工作总结",
        "扬州市科学技术局 2026年12月7日",
        "一、核心指标",
        "（一）创新主体培育",
        "1. 小升高",
        "二、2027年工作计划",
        "712家[1]",
        "1774家[1]",
        "187.65亿元[2]",
        "48.3%[2]",
        "3项[3]",
        "图 1\u3000各地区高新技术企业数（单位：家）[1]",
        "图 2\u3000全社会研发投入累计（单位：万元）[2]",
        "各地区主要指标[2]",
        "注：研发投入为年初至 10 月累计。",
        "【待填写：明年工作思路和重点任务】",
        "附：数据来源",
        "[1] 企业名录 资质表（导入 名录2026.xlsx）（截至 2026-11-30）",
        "[3] 高新技术企业认定管理办法",
        "数据截至：2026-12-07",
    ):
        assert expected in text, expected
    assert "— 1 —" in pages[0]
    assert f"— {len(pages)} —" in pages[-1]
    assert text.index("附：数据来源") > text.index("【待填写：")


def test_the_same_report_gives_the_same_bytes_and_metadata(content: bytes) -> None:
    report = sample_report()
    assert write_pdf(report) == content
    dated = Report(
        report.kind, report.title, report.subtitle, report.meta | {"generated_at": "2026-12-07 10:30:00"}
    )
    meta = PdfReader(io.BytesIO(write_pdf(dated))).metadata
    assert meta is not None
    assert meta.title == report.title and meta.author == "kechuang"
    assert str(meta["/CreationDate"]).startswith("D:20261207103000")
    assert str(meta["/ModDate"]).startswith("D:20261207103000")


def test_missing_glyphs() -> None:
    assert missing_glyphs(shown_text(report_html(sample_report(), for_print=True))) == []
    assert missing_glyphs("扬州 ABC 123 —（）【】、。\n\t") == []
    assert missing_glyphs("私用\ue000区\ue000与\U000f0000") == ["\ue000", "\U000f0000"]


def test_a_report_with_a_character_without_glyph_is_refused() -> None:
    report = Report("annual", "标题", "", {}, (Section("一", (Paragraph(("私用区字符\ue000",)),)),))
    with pytest.raises(MissingGlyphsError, match="U\\+E000") as err:
        write_pdf(report)
    assert err.value.chars == ["\ue000"]
    assert "空框" in str(err.value)


def test_missing_fonts_are_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setattr(pdf_module, "FONT_DIRS", (tmp_path,))
    with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
        write_pdf(sample_report(rows=1))


def test_missing_pango_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(RuntimeError, match="libpango-1.0-0 libpangoft2-1.0-0"):
        html_pdf("<p>x</p>")


def test_no_url_is_fetched_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        html = (
            f'<html><head><link rel="stylesheet" href="{base}/x.css"></head>'
            f'<body><img src="{base}/x.png"><p style="background: url({base}/bg.png)">文字</p></body></html>'
        )
        content = html_pdf(html)
    finally:
        server.shutdown()
        server.server_close()
    assert content.startswith(b"%PDF")
    assert hits == []


# -- the HTML ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (35, "三十五"),
        (99, "九十九"),
    ],
)
def test_chinese_numeral(n: int, text: str) -> None:
    assert chinese_numeral(n) == text


@pytest.mark.parametrize("n", [0, 1000, -1])
def test_chinese_numeral_refuses_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(n)


def test_headings_are_numbered_per_level_and_restart_under_a_new_parent() -> None:
    tree = (
        Section(
            "甲", subsections=(Section("甲一"), Section("甲二", subsections=(Section("a"), Section("b"))))
        ),
        Section(
            "乙", subsections=(Section("乙一", subsections=(Section("c", subsections=(Section("d"),)),)),)
        ),
    )
    assert [(d, n + s.heading) for d, n, s in numbered(tree)] == [
        (1, "一、甲"),
        (2, "（一）甲一"),
        (2, "（二）甲二"),
        (3, "1. a"),
        (3, "2. b"),
        (1, "二、乙"),
        (2, "（一）乙一"),
        (3, "1. c"),
        (4, "（1）d"),
    ]
    assert heading_number(1, 12) == "十二、"


def test_print_html_has_the_gbt_9704_page_and_the_preview_has_none() -> None:
    printed = report_html(sample_report(rows=3), for_print=True)
    assert "size: A4" in printed and "margin: 37mm 26mm 35mm 28mm" in printed
    assert 'content: "— " counter(page) " —"' in printed
    assert 'font-family: "FangSong_GB2312", "仿宋_GB2312"' in printed  # official font first, not escaped
    assert "&#34;" not in printed.split("</style>")[0]
    preview = report_html(sample_report(rows=3), for_print=False)
    assert "@page" not in preview
    assert preview.count('<img src="data:image/png;base64,') == 2
    assert '<p class="placeholder">【待填写：明年工作思路和重点任务】</p>' in preview
    assert '712家<sup class="note">[1]</sup>' in preview
    assert "<thead><tr><th>地区</th><th>研发投入（万元）</th>" in preview
    assert '<td class="num">12,345.60</td>' in preview and '<td class="light">绿</td>' in preview


def test_report_text_is_escaped() -> None:
    report = Report(
        "annual",
        "<b>标题</b>",
        "",
        {},
        (Section("<i>章</i>", (Paragraph(('<script>alert("x")</script>',)), Placeholder("a & b"))),),
    )
    html = report_html(report, for_print=False)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;标题&lt;/b&gt;" in html and "&lt;i&gt;章&lt;/i&gt;" in html
    assert "【待填写：a &amp; b】" in html


def test_the_meta_line_names_what_the_report_has() -> None:
    from datetime import datetime

    from kechuang.reports.html import meta_line

    meta = {
        "generated_at": datetime(2026, 12, 7, 10, 30, 5),
        "generated_by": "张三",
        "revision": "r42",
        "as_of": "",
    }
    assert meta_line(meta) == ["生成时间：2026-12-07 10:30", "生成人：张三", "数据版本：r42"]
    html = report_html(Report("annual", "题", "", meta | {"as_of": "2026-12-07"}), for_print=False)
    assert "<span>生成时间：2026-12-07 10:30</span><span>生成人：张三</span>" in html
    assert "<span>数据截至：2026-12-07</span>" in html
