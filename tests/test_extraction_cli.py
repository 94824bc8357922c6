"""`kechuang extract` run as a user runs it: JSON Lines on stdout, exit codes, a bad file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DOC = """首页 > 动态
南湖区科技工作综述
发布时间：2024-01-10 来源：南湖区科技局
2023年，南湖区科技局推动全区新增高新技术企业64家，技术合同成交额达到18.5亿元，同比增长12%。
版权所有 南湖区人民政府
"""


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_")}
    env["PYTHONPATH"] = str(Path(__file__).parents[1])
    return subprocess.run(
        [sys.executable, "-m", "kechuang.cli", "extract", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_extract_writes_json_lines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    result = run(["a.txt"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["record"] == "body" and lines[0]["doc"] == "a.txt"
    facts = [line for line in lines if line["record"] == "fact"]
    assert [(f["value"], f["unit"], f["period"]) for f in facts] == [
        (64, "家", "2023"),
        (1_850_000_000, "元", "2023"),
        (12, "%", "2023"),
    ]
    assert all(DOC[f["start"] : f["end"]] == f["text"] for f in facts)
    orgs = {line["name"]: line["type"] for line in lines if line["record"] == "org"}
    assert orgs == {"南湖区科技局": "government"}
    assert "南湖区" in result.stdout and "\\u" not in result.stdout  # ensure_ascii=False


def test_published_date_resolves_relative_years(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("去年全区新增孵化器5家。\n", encoding="utf-8")
    result = run(["b.txt", "--published", "2025-03-01"], tmp_path)
    fact = [json.loads(line) for line in result.stdout.splitlines()][1]
    assert (fact["value"], fact["period"]) == (5, "2024")


def test_a_bad_file_is_reported_and_the_others_still_processed(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    result = run(["bad.txt", "missing.txt", "good.txt"], tmp_path)
    assert result.returncode == 1
    assert "bad.txt" in result.stderr and "missing.txt" in result.stderr
    assert {json.loads(line)["doc"] for line in result.stdout.splitlines()} == {"good.txt"}


def test_help(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kechuang.cli", "extract", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert result.returncode == 0 and "usage: kechuang extract" in result.stdout
