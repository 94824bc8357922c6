"""`kechuang match` follows contracts/MATCH.md: one line per demand in input order, at most --top
matches, scores in [0, 1] non-increasing, every match with reasons; a malformed line exits 2 with
every problem on stderr and nothing on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kechuang.cli import main

TUNE = Path(__file__).parent / "data" / "matching" / "tune"
KINDS = {"term", "atlas", "result", "ngram", "model"}


def test_contract_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "match",
            "--demands",
            str(TUNE / "demands.jsonl"),
            "--capabilities",
            str(TUNE / "capabilities.jsonl"),
            "--top",
            "5",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert "未配置文本模型" in err
    lines = [json.loads(x) for x in out.splitlines()]
    demands = [json.loads(x)["id"] for x in (TUNE / "demands.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["demand"] for x in lines] == demands
    for line in lines:
        scores = [m["score"] for m in line["matches"]]
        assert 1 <= len(scores) <= 5 and scores == sorted(scores, reverse=True)
        for m in line["matches"]:
            assert 0 <= m["score"] <= 1 and m["reasons"]
            assert all(r["kind"] in KINDS and r["text"] and r["weight"] > 0 for r in m["reasons"])


def test_malformed_lines_exit_2_with_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demands = tmp_path / "d.jsonl"
    demands.write_text(
        '{"id": "d1", "title": "膜", "text": "质子交换膜寿命"}\n{"id": "d1", "title": 5}\nnot json\n',
        encoding="utf-8",
    )
    caps = tmp_path / "c.jsonl"
    caps.write_text(
        '{"id": "c1", "name": "团队", "kind": "wizard", "text": "质子交换膜"}\n', encoding="utf-8"
    )
    code = main(["match", "--demands", str(demands), "--capabilities", str(caps)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    for expected in (
        "d.jsonl 第2行 「id」",
        "d.jsonl 第2行 「title」",
        "d.jsonl 第2行 「text」",
        "d.jsonl 第3行",
        "c.jsonl 第1行 「kind」",
    ):
        assert expected in err, expected


def test_unreadable_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["match", "--demands", str(tmp_path / "missing.jsonl"), "--capabilities", str(tmp_path / "c.jsonl")]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "missing.jsonl" in err
