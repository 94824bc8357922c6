"""The column-wise batch agrees with the exact per-record evaluator on every verdict (totally)."""

from __future__ import annotations

from datetime import date

import pytest

from kechuang.rules.assess import evaluate, parse_records
from kechuang.rules.catalog import in_force
from kechuang.rules.frame import assess_frame, records_frame
from kechuang.rules.programmes import PROGRAMMES, build
from kechuang.rules.sample import records


@pytest.mark.parametrize("as_of", [date(2025, 6, 1), date(2026, 5, 1), date(2024, 2, 29)])
@pytest.mark.parametrize("missing", [0.0, 0.15])
def test_batch_equals_per_record(as_of: date, missing: float) -> None:
    raws = records(1500, as_of, seed=as_of.toordinal() + int(missing * 100), missing=missing)
    parsed, problems = parse_records(raws)
    assert not problems
    programmes = [build(in_force(p, as_of)) for p in PROGRAMMES]
    batch = assess_frame(records_frame(parsed, as_of), programmes, as_of).to_dicts()
    seen: set[tuple[str, str]] = set()
    for rec, row in zip(parsed, batch, strict=True):
        for prog in programmes:
            pid = prog.doc.programme
            one = evaluate(prog, rec, as_of)
            assert row[f"{pid}.status"] == one["status"], (pid, rec)
            assert row[f"{pid}.route"] == one.get("route"), (pid, rec)
            seen.add((pid, one["status"]))
            if prog.score_parts:
                lo, hi = one.get("score_range") or [one["score"], one["score"]]
                assert (row[f"{pid}.score_lo"], row[f"{pid}.score_hi"]) == (lo, hi), (pid, rec)
            for c in one["criteria"]:
                assert row[f"{pid}.{c['key']}"] == c["status"], (pid, c["key"], rec)
    # the random data reaches every verdict of the main programmes, so agreement means something
    expected = {
        "tech_sme": {"met", "not_met"},
        "innovative_sme": {"met", "not_met"},
        "hnte": {"not_met"},
        "specialized_sme": {"not_met"},
        "little_giant": {"not_met"},
    }
    if missing:
        expected = {pid: verdicts | {"unknown"} for pid, verdicts in expected.items()}
    else:
        expected["hnte"] = {"met", "not_met"}
    for pid, verdicts in expected.items():
        assert {s for p, s in seen if p == pid} >= verdicts, pid
