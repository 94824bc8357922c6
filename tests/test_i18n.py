import re
from pathlib import Path

from kechuang.enterprises.columns import DATASETS
from kechuang.enterprises.models import FIGURE_FIELDS
from kechuang.web.i18n import catalogue
from kechuang.web.render import NAV
from tests.conftest import login

TEMPLATES = Path(__file__).parents[1] / "kechuang" / "web" / "templates"


def test_every_template_string_has_an_english_entry() -> None:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        found |= set(re.findall(r"""_\(["']([^"']+)["']\)""", path.read_text(encoding="utf-8")))
    found |= {item.label for item in NAV}
    for ds in DATASETS.values():  # column headers, help texts and labels are shown through _() too
        found |= {ds.label} | {c.header for c in ds.columns} | {c.help for c in ds.columns}
    found |= {label for _, label, _ in FIGURE_FIELDS}
    assert found, "no translatable strings found"
    missing = sorted(s for s in found if s not in catalogue())
    assert missing == []


def test_language_switch(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    login(client, "alice")
    assert '<html lang="zh-CN">' in client.get("/").text and "首页" in client.get("/").text
    resp = client.get("/lang/en", params={"next": "/regions"})
    assert resp.status_code == 303 and resp.headers["location"] == "/regions"
    page = client.get("/regions").text
    assert '<html lang="en">' in page and "Regions" in page and "Hanjiang District" in page
    client.get("/lang/zh")
    assert "邗江区" in client.get("/regions").text
