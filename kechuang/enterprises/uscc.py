"""Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters with a check character."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_INDEX = {c: i for i, c in enumerate(CHARSET)}


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (all must be in ``CHARSET``)."""
    total = sum(_INDEX[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper()


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC (in Chinese), or None when it is valid."""
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    bad = sorted({c for c in code if c not in _INDEX})
    if bad:
        return f"含有不允许的字符 {''.join(bad)}（可用数字和除 I、O、Z、S、V 外的大写字母）"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误：第 18 位应为 {expected}"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def complete(first17: str) -> str:
    return first17 + check_char(first17)
