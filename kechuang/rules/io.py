"""Reading assessment input (JSON array or JSON Lines) and the ``as_of`` day, with every problem listed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kechuang.errors import Problem
from kechuang.rules.assess import assess_all


class AssessInputError(ValueError):
    def __init__(self, lines: list[str], problems: list[Problem] | None = None) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines
        self.problems = problems or []


def describe(p: Problem) -> str:
    where = f"记录 record {p.row}" if p.row is not None else "输入 input"
    shown = "" if p.value is None else f"，值 value {json.dumps(p.value, ensure_ascii=False, default=str)}"
    return f"{where} · 字段 field {p.field}：{p.message}{shown}"


def parse_as_of(text: str | None) -> date:
    if text is None or not str(text).strip():
        return date.today()
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise AssessInputError([f"as_of：应为日期 YYYY-MM-DD，实际为 {text!r}"]) from None


def load_records(text: str, source: str = "input") -> list[Any]:
    """A JSON array, or JSON Lines (one object per line); every malformed line is reported."""
    stripped = text.strip()
    if not stripped:
        raise AssessInputError([f"{source}：文件为空，应为企业记录的 JSON 数组或 JSON Lines"])
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise AssessInputError(
                [f"{source}：第{exc.lineno}行第{exc.colno}列 JSON 格式错误：{exc.msg}"]
            ) from None
        return data if isinstance(data, list) else [data]
    records, errors = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"{source}：第{n}行 JSON 格式错误：{exc.msg}")
    if errors:
        raise AssessInputError(errors)
    return records


def assess_records(raws: Any, as_of: date) -> list[dict[str, Any]]:
    results, problems = assess_all(raws, as_of)
    if problems:
        raise AssessInputError([describe(p) for p in problems], problems)
    return results


def assess_text(text: str, as_of: str | None, source: str = "input") -> list[dict[str, Any]]:
    day = parse_as_of(as_of)
    return assess_records(load_records(text, source), day)
