"""`kechuang assess` and POST /api/v1/assess follow contracts/ASSESS.md field for field."""

from __future__ import annotations

import json
from pathlib import Path

from kechuang.cli import main
from tests.conftest import bearer

RECORD = {
    "id": "e1",
    "name": "临江晶驰半导体有限公司",
    "registered_on": "2019-04-12",
    "employees": 120,
    "tech_staff": 25,
    "years": {
        "2024": {
            "sales_revenue": 48000000,
            "operating_revenue": 50000000,
            "main_business_revenue": 45000000,
            "rd_expense": 2600000,
            "rd_expense_domestic": 2600000,
            "high_tech_revenue": 33000000,
            "total_cost": 41000000,
            "total_income": 51000000,
            "total_assets": 80000000,
            "total_liabilities": 30000000,
        },
        "2023": {
            "sales_revenue": 40000000,
            "rd_expense": 2000000,
            "rd_expense_domestic": 2000000,
            "total_assets": 70000000,
            "total_liabilities": 30000000,
            "main_business_revenue": 39000000,
        },
        "2022": {
            "sales_revenue": 30000000,
            "rd_expense": 1500000,
            "rd_expense_domestic": 1500000,
            "total_assets": 60000000,
            "total_liabilities": 30000000,
        },
    },
    "ip": {"class_i": 1, "class_ii": 4},
    "in_priority_field": True,
    "strategic_emerging": True,
    "clean_record": True,
    "hnte_valid": False,
    "hnte_expert_scores": {"ip": 24, "conversion": 22, "rd_management": 15},
    "direct": {
        "national_award_top3_5y": False,
        "ministerial_rd_institution": False,
        "led_standard_5y": False,
    },
}
REQUIRED_CRITERIA = {
    "tech_sme": {
        "employees_max",
        "revenue_max",
        "assets_max",
        "clean_record",
        "tech_staff_score",
        "score_min",
    },
    "hnte": {
        "registered_1y",
        "ip_owned",
        "priority_field",
        "tech_staff_ratio",
        "rd_ratio_3y",
        "rd_domestic_share",
        "high_tech_revenue_share",
        "clean_record",
        "innovation_score",
    },
    "innovative_sme": {"score_min", "innovation_min", "growth_min", "specialisation_min"},
}


def check_result(result: dict, as_of: str, rid: object) -> None:  # type: ignore[type-arg]
    assert result["id"] == rid and result["as_of"] == as_of
    programs = result["programs"]
    assert {"tech_sme", "hnte", "innovative_sme", "specialized_sme", "little_giant"} <= set(programs)
    for name, prog in programs.items():
        assert prog["status"] in ("met", "not_met", "unknown")
        assert isinstance(prog["criteria"], list) and isinstance(prog["gaps"], list)
        assert {"id", "document", "version", "effective_from"} <= set(prog["rule"]) and prog["rule"][
            "id"
        ] == name
        for c in prog["criteria"]:
            assert {"key", "status", "required"} <= set(c) and c["status"] in ("met", "not_met", "unknown")
            if c["status"] == "unknown" and not c.get("review"):
                assert c["note"]
    for name, keys in REQUIRED_CRITERIA.items():
        assert keys <= {c["key"] for c in programs[name]["criteria"]}, name
    assert set(programs["tech_sme"]["parts"]) == {"tech_staff", "rd", "ip"}
    assert {"ip", "rd_ratio", "growth", "debt_ratio", "field", "main_business"} <= set(
        programs["innovative_sme"]["parts"]
    )


def test_cli_assesses_json_and_jsonl_in_order(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    second = {"id": 7, "employees": 600}
    src = tmp_path / "in.json"
    src.write_text(json.dumps([RECORD, second], ensure_ascii=False), encoding="utf-8")
    assert main(["assess", "--input", str(src), "--as-of", "2025-06-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in out] == ["e1", 7]
    check_result(out[0], "2025-06-01", "e1")
    tech = out[0]["programs"]["tech_sme"]
    assert (tech["status"], tech["route"], tech["score"]) == ("met", "score", 82)
    assert tech["parts"] == {"tech_staff": 12, "rd": 40, "ip": 30}
    assert tech["rule"]["document"] == "国科发政〔2017〕115号"
    assert out[1]["programs"]["tech_sme"]["status"] == "not_met"  # 600 staff fails whatever else is missing
    assert out[1]["programs"]["hnte"]["status"] == "unknown"
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [RECORD, second]), encoding="utf-8")
    assert main(["assess", "--input", str(lines), "--as-of", "2025-06-01"]) == 0
    assert json.loads(capsys.readouterr().out) == out


def test_cli_lists_every_problem_and_exits_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "bad.json"
    src.write_text(
        json.dumps([{"id": 1, "employees": "many", "ip": {"class_i": -1}}, {"years": {"24": {}}}, 3])
    )
    assert main(["assess", "--input", str(src)]) == 2
    err = capsys.readouterr().err
    for text in ("record 0", "employees", "ip.class_i", "record 1", "years.24", "record 2"):
        assert text in err
    assert "Traceback" not in err
    src.write_text("{not json")
    assert main(["assess", "--input", str(src)]) == 2
    assert "JSON" in capsys.readouterr().err
    assert main(["assess", "--input", str(tmp_path / "in.json"), "--as-of", "2025-13-01"]) == 2


def test_rule_version_follows_as_of(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.json"
    src.write_text(json.dumps([RECORD]))
    versions = {}
    for day in ("2026-03-31", "2026-04-01"):
        assert main(["assess", "--input", str(src), "--as-of", day]) == 0
        programs = json.loads(capsys.readouterr().out)[0]["programs"]
        versions[day] = {
            p: programs[p]["rule"]["version"] for p in ("specialized_sme", "little_giant", "innovative_sme")
        }
        if day == "2026-04-01":
            assert programs["innovative_sme"]["rule"]["fallback"]["document"] == "工信部企业〔2022〕63号"
    assert versions["2026-03-31"] == {
        "specialized_sme": "2022",
        "little_giant": "2022",
        "innovative_sme": "2022",
    }
    assert versions["2026-04-01"] == {
        "specialized_sme": "2026",
        "little_giant": "2026",
        "innovative_sme": "2026",
    }


def test_api_assess(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("viewer1", "viewer")
    assert client.post("/api/v1/assess", json={"enterprises": [RECORD]}).status_code == 401
    headers = bearer(client, "viewer1")
    r = client.post(
        "/api/v1/assess", headers=headers, json={"as_of": "2025-06-01", "enterprises": [RECORD, {"id": 2}]}
    )
    assert r.status_code == 200
    results = r.json()["results"]
    check_result(results[0], "2025-06-01", "e1")
    assert results[1]["programs"]["hnte"]["status"] == "unknown"
    bad = client.post(
        "/api/v1/assess",
        headers=headers,
        json={"enterprises": [{"employees": -3}, {"registered_on": "yesterday"}]},
    )
    assert bad.status_code == 422
    problems = bad.json()["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(0, "employees"), (1, "registered_on")]
    assert (
        client.post("/api/v1/assess", headers=headers, json={"as_of": "soon", "enterprises": []}).status_code
        == 422
    )
    assert client.post("/api/v1/assess", headers=headers, json=[1, 2]).status_code == 422
