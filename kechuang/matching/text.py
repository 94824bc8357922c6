"""Chinese text to matching terms. Pure.

``Analyzer.terms`` segments with rjieba (its dictionary extended with the lexicon's words, so
质子交换膜 or 真空自耗电弧熔炼 stay whole), in search mode (a long word also yields the shorter
dictionary words inside it), drops function words, punctuation and bare numbers, maps every word to
its canonical form (PEM → 质子交换膜), and adds the lexicon terms contained in a longer word
(质子交换膜燃料电池 → 燃料电池). ``bigrams`` gives the character pairs of each Chinese run, for what
segmentation misses. What a segmented word yields is cached per word: a corpus repeats its words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain

import rjieba

from kechuang.matching.lexicon import Lexicon, normal

WORD_FREQ = 200_000  # above jieba's ordinary words, so a lexicon term wins its segmentation
WORD_CACHE = 500_000  # segmented words whose terms are kept
CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_RUNS = re.compile(r"[\u4e00-\u9fff]{2,}")
CJK_PAIRS = re.compile(r"(?=([\u4e00-\u9fff]{2}))")  # every two Chinese characters in a row, overlapping
LATIN = re.compile(r"^[a-z][a-z0-9+.\-]*$|^[0-9]+[a-z][a-z0-9+.\-]*$")

# Words every demand and profile writes: they would match everything and explain nothing.
STOPWORDS = frozenset(
    """的 了 和 与 及 或 等 在 是 为 对 从 向 将 把 被 由 于 以 而 且 并 也 都 就 又 还 再 很 更 最 其 此 该 这 那
    之 所 有 无 不 没 没有 能 能够 可 可以 可能 会 要 需 需要 希望 想 想要 想找 寻求 寻找 找 请 帮 帮忙 一起 一直
    我们 我司 本 公司 企业 单位 团队 课题组 厂 我厂 工厂 我们厂 目前 现在 现有 已经 已 正在 通过 进行 开展
    实现 提供 具有 具备 拥有 包括 主要 相关 方面 问题 情况 方式 方法 技术 研究 研发 开发 应用 合作 服务 项目
    工作 能力 水平 领域 方向 产品 系统 要求 需求 解决 专家 教授 研究员 老师 博士 到 得 着 过 给 让 跟 做 用 提升 提高 降低 改善 优化 达到 满足 以上 以下 左右 约
    左右 万元 元 年 月 日 个 台 套 项 家 名 人 次 件 种 类 多 少 大 小 高 低 新 好 一 二 三 几 每 各 某 其他
    其中 同时 以及 并且 如果 但是 但 因为 所以 因此 由于 然而 比如 例如 如 像 一些 一种 这个 那个 这些 那些
    进一步 之后 之前 以来 期间 方面的 用于 用来 采用 利用 使用 基于 针对 围绕 面向 作为 成为 形成 获得 取得
    承担 完成 参与 负责 主持 发表 授权 申请 拥有 累计 近年来 多年 长期 具体 整体 全面 重点 关键 核心 主要是
    分钟 小时 秒 天 周 毫米 厘米 公里 千米 公斤 千克 吨 万 亿 百分之 倍 左右 以内 以上 以下 不低于 不超过""".split()
)


def is_kept(word: str) -> bool:
    """A segmented word worth matching: Chinese (not a function word) or a Latin term with a letter."""
    if word in STOPWORDS or not word.strip():
        return False
    if CJK.search(word):
        return True
    return bool(LATIN.match(word)) and len(word) >= 2


class _Cache(dict[str, tuple[tuple[str, str], ...]]):
    """Each word's value, computed on first use; emptied when it holds ``limit`` words. A plain dict
    lookup when the word is known, the cheapest there is."""

    def __init__(self, compute: Callable[[str], tuple[tuple[str, str], ...]], limit: int) -> None:
        super().__init__()
        self.compute, self.limit = compute, limit

    def __missing__(self, word: str) -> tuple[tuple[str, str], ...]:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.compute(word)
        return value


class Analyzer:
    """Segments texts into canonical terms with one rjieba instance holding the lexicon's words."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._jieba = rjieba.Jieba()
        for word in lexicon.words:
            self._jieba.add_word(word, WORD_FREQ, None)
        self._known = frozenset(lexicon.words)
        self._pairs = _Cache(self._word_pairs, WORD_CACHE)

    def _inner_terms(self, word: str) -> tuple[str, ...]:
        """Lexicon terms (and dictionary words of four characters or more) inside a longer word."""
        n = len(word)
        if n < 4:
            return ()
        found = {
            sub
            for k in range(2, n)
            for i in range(n - k + 1)
            if CJK.search(sub := word[i : i + k])
            and (sub in self._known or (k >= 4 and self._jieba.has_word(sub)))
        }
        return tuple(sorted(found))

    def _word_pairs(self, word: str) -> tuple[tuple[str, str], ...]:
        """What one segmented word adds to ``surface``: nothing, or itself and the terms inside it."""
        if not is_kept(word):
            return ()
        term = self.lexicon.term
        return ((word, term(word)), *((inner, term(inner)) for inner in self._inner_terms(word)))

    def surface(self, text: str) -> list[tuple[str, str]]:
        """Each kept word of the text with its canonical term: ``[(word as written, term), ...]``."""
        return self.normal_surface(normal(text))

    def normal_surface(self, text: str) -> list[tuple[str, str]]:
        """``surface`` of a text already in normal form (``lexicon.normal``)."""
        return list(chain.from_iterable(map(self._pairs.__getitem__, self._jieba.cut_for_search(text, True))))

    def terms(self, text: str) -> list[str]:
        """The canonical terms of a text, in order, repeated as often as they occur."""
        return [term for _, term in self.surface(text)]


def bigrams(text: str) -> list[str]:
    """The overlapping character pairs of each run of Chinese characters."""
    return normal_bigrams(normal(text))


def normal_bigrams(text: str) -> list[str]:
    """``bigrams`` of a text already in normal form."""
    return CJK_PAIRS.findall(text)
