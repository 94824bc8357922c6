"""Repository hygiene: the README's two commands, CI, lint, vendored assets and their licences."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "kechuang demo" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "kechuang", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_vendored_assets_have_licences_and_no_template_loads_from_the_internet() -> None:
    vendor = ROOT / "kechuang" / "web" / "static" / "vendor"
    for name in ["htmx", "echarts", "swagger-ui", "cytoscape", "geojson"]:
        assert (vendor / name / "LICENSE").exists(), name
    for path in (ROOT / "kechuang" / "web").rglob("*.html"):
        assert not re.search(r"(src|href)=\"https?://", path.read_text(encoding="utf-8")), path


COMPLEXITY_LIMIT = 12


def test_no_new_function_above_the_complexity_limit() -> None:
    from radon.complexity import cc_visit

    listed = {
        line.split("#", 1)[0].strip()
        for line in (ROOT / "tests" / "complexity_allowlist.txt").read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    }
    over = set()
    for path in sorted((ROOT / "kechuang").rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > COMPLEXITY_LIMIT:
                name = f"{block.classname}.{block.name}" if getattr(block, "classname", None) else block.name
                over.add(f"{path.relative_to(ROOT).as_posix()}::{name}")
    assert sorted(over - listed) == [], f"split these (cyclomatic complexity > {COMPLEXITY_LIMIT})"
    assert sorted(listed - over) == [], "now under the limit: delete them from tests/complexity_allowlist.txt"


def test_code_is_formatted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "kechuang", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "kechuang"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
