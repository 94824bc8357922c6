"""Find the article body inside a scraped page: [start, end) character offsets, and the headline.

A page is read line by line. Lines carrying page chrome (breadcrumbs, bylines, share and font-size
buttons, editor credits, print/close links, ads and contact blocks, teaser lists, 原标题, disclaimers,
copyright and ICP lines) are boilerplate. The body is the run of paragraph lines between boilerplate
lines that holds the most paragraph text; numbered section headings inside it belong to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Markers that make a short line page chrome wherever they occur in it.
_CHROME = re.compile(
    r"当前位置|您的位置|您现在的位置|首页\s*[>＞›»/]|[>＞›»]\s*正文|发布时间|发布日期|发布机构|发文机关|信息来源|"
    r"来源[:：]|作者[:：]|浏览次数|浏览量|阅读量|阅读数|访问量|点击数|点击量|点击率|字号|字体[:：]|【字体|"
    r"分享到|我要分享|一键分享|打印本页|【打印|打印此页|【关闭|关闭窗口|【纠错|我要纠错|责任编辑|编辑[:：]|"
    r"校对[:：]|审核[:：]|终审|审校|原标题|相关文章|相关阅读|相关新闻|相关链接|热门推荐|推荐阅读|延伸阅读|"
    r"猜你喜欢|上一篇|下一篇|版权所有|版权声明|Copyright|©|ICP备|ICP证|公网安备|网站标识码|网站地图|"
    r"主办单位|承办单位|技术支持|联系电话|咨询热线|服务热线|新闻热线|广告热线|联系我们|联系方式|地址[:：]|"
    r"扫一扫|扫码|公众号|声明[:：]|免责声明|附件[:：]|APP|微信\s*微博|朋友圈|\[打印\]|\[关闭\]|>>\s*$",
    re.IGNORECASE,
)
# Markers that make a line page chrome only at its start.
_CHROME_START = re.compile(
    r"^\s*(?:【?广告|·|•|▪|▶|>|（?\(?(?:记者|通讯员|作者|文\s*/|图\s*/|摄影|编辑|本报记者|实习生)|"
    r"(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}|分享|点赞|收藏|评论)"
)
# Lines that are chrome whatever their length.
_HARD_CHROME = re.compile(r"ICP备|公网安备|版权所有|Copyright|All Rights Reserved", re.IGNORECASE)
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．]\s*\S|"
    r"[（(]\d{1,2}[）)]|第[一二三四五六七八九十\d]+[章节部分条])"
)
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*\s*$")
_COMMAS = re.compile(r"[，,；;]")
_LINES = re.compile(r"[^\n]*\n?")

SHORT = 80


@dataclass(frozen=True)
class Layout:
    body: tuple[int, int]
    title: tuple[int, int] | None


def _kind(line: str) -> str:
    """'chrome', 'para', 'heading' or 'other' for one stripped line."""
    if not line:
        return "blank"
    if _HARD_CHROME.search(line):
        return "chrome"
    if len(line) <= SHORT and (_CHROME.search(line) or _CHROME_START.match(line)):
        return "chrome"
    if _HEADING.match(line) and len(line) <= SHORT:
        return "heading"
    if len(line) >= 20 and ("。" in line or _SENTENCE_END.search(line) or len(_COMMAS.findall(line)) >= 2):
        return "para"
    return "other"


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every line, offsets trimmed to the visible characters."""
    out = []
    for m in _LINES.finditer(text):
        raw = m.group().rstrip("\n")
        if not raw and m.start() == len(text):
            break
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        out.append((start, start + len(stripped), _kind(stripped)))
    return out


def find_layout(text: str) -> Layout:
    """The body [start, end) and the headline span (or None) of a page."""
    lines = _lines(text)
    best: tuple[int, int, int] | None = None  # (score, first index, last index)
    i = 0
    while i < len(lines):
        if lines[i][2] not in ("para", "heading"):
            i += 1
            continue
        first, last, score, j = i, i, 0, i
        while j < len(lines) and lines[j][2] != "chrome":
            if lines[j][2] in ("para", "heading"):
                last = j
                score += lines[j][1] - lines[j][0] if lines[j][2] == "para" else 0
            j += 1
        if best is None or score > best[0]:
            best = (score, first, last)
        i = j + 1
    if best is None or best[0] == 0:
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        return Layout((lead, lead + len(stripped)), None)
    _, first, last = best
    return Layout((lines[first][0], lines[last][1]), _title(lines, text, first))


def _title(lines: list[tuple[int, int, str]], text: str, first: int) -> tuple[int, int] | None:
    for start, end, kind in reversed(lines[:first]):
        if kind in ("other", "heading") and 4 <= end - start <= 100 and "。" not in text[start:end]:
            return (start, end)
    return None


def find_body(text: str) -> tuple[int, int]:
    """The article body [start, end) of a scraped page."""
    return find_layout(text).body
