"""The four hand-labelled example documents, scored by the examples' own scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kechuang.extraction import extract, to_lines

EXAMPLES = Path(__file__).parents[2] / "shared" / "examples" / "extraction"
if not EXAMPLES.is_dir():
    EXAMPLES = Path("/work/shared/examples/extraction")
pytestmark = pytest.mark.skipif(not (EXAMPLES / "score.py").is_file(), reason="example set not available")


def _summary(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as fh:
        for path in sorted((EXAMPLES / "docs").glob("*.txt")):
            ex = extract(path.read_text(encoding="utf-8"), path.name)
            for line in to_lines(ex):
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "score.py"), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_scorer_figures_on_the_examples(tmp_path: Path) -> None:
    summary = _summary(tmp_path)
    assert summary["facts"]["strict"][2] >= 0.90
    assert summary["orgs"]["exact"][2] >= 0.85


def test_body_boundaries_on_the_examples() -> None:
    for line in (EXAMPLES / "gold_body.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        text = (EXAMPLES / "docs" / gold["doc"]).read_text(encoding="utf-8")
        assert extract(text, gold["doc"]).body == (gold["body_start"], gold["body_end"])
