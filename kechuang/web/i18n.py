"""The one translation layer. Chinese is the source language; ``en.json`` maps it to English.

Templates call ``_("中文")``; code calls ``translate(text, lang)``. A test checks that every
string the templates pass to ``_`` has an English entry.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


@cache
def catalogue() -> dict[str, str]:
    return json.loads((Path(__file__).parent / "en.json").read_text(encoding="utf-8"))


def translate(text: str, lang: str) -> str:
    if lang == "en":
        return catalogue().get(text, text)
    return text


def pick_language(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGUAGES else DEFAULT_LANGUAGE
