"""The documents tell the truth: contracts copied from the shared product folder are current, and
every relative link in the docs and the README points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SHARED = ROOT.parent / "shared" / "contracts"


@pytest.mark.parametrize("name", ["ASSESS.md", "EXTRACT.md", "MATCH.md"])
def test_contracts_are_copied_and_current(name: str) -> None:
    copy = ROOT / "docs" / "contracts" / name
    assert copy.is_file(), f"docs/contracts/{name} is missing"
    if not SHARED.is_dir():
        pytest.skip("the shared product folder is not next to this checkout")
    assert copy.read_text(encoding="utf-8") == (SHARED / name).read_text(encoding="utf-8")


def test_relative_links_resolve() -> None:
    broken = []
    for doc in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} → {target}")
    assert broken == []
