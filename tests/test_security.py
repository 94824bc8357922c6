"""Browser hardening and bounded inputs: the Content-Security-Policy and its companions on every
response, templates without inline script or style, request bodies past the limit refused with 413
(declared or streamed), and decompression bombs refused before the Excel reader sees them."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kechuang import workbook
from kechuang.auth.scope import SYSTEM
from kechuang.errors import InvalidInput
from kechuang.projects import sheet
from kechuang.web.security import CSP
from tests.conftest import bearer

TEMPLATES = Path(__file__).parents[1] / "kechuang"


def test_every_response_carries_the_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    for path in ["/login", "/api/v1/me", "/static/css/app.css", "/no-such-page", "/api/docs"]:
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "same-origin", path
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "frame-ancestors 'none'" in CSP


def test_no_template_holds_inline_script_style_or_handlers() -> None:
    """What the policy would block: a ``<script>`` without ``src`` (a JSON data block is data), ``<style>``,
    ``style=`` or ``on…=``."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>",
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+\s*=",
        ):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert found == []


def test_the_api_docs_load_their_script_from_a_file(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/api/docs").text
    assert re.search(r"<script>\s*\S", page) is None
    assert '<script src="/static/js/swagger-init.js"></script>' in page
    assert client.get("/static/js/swagger-init.js").status_code == 200


@pytest.fixture
def small_client(app, settings, engine) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from kechuang.web.app import create_app

    small = create_app(dataclasses.replace(settings, max_upload_mb=1), engine)
    with TestClient(small, follow_redirects=False) as c:
        yield c


def test_a_body_past_the_limit_is_refused_with_413(small_client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    auth = bearer(small_client, "boss")
    big = b"x" * (1024 * 1024 + 1)
    declared = small_client.post(
        "/api/v1/imports/enterprises", headers=auth, files={"file": ("big.xlsx", big)}
    )
    assert declared.status_code == 413, declared.text
    assert "1 MB" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it streams
        for _ in range(3):
            yield b"y" * (512 * 1024)

    streamed = small_client.post(
        "/api/v1/enterprises", headers={**auth, "content-type": "application/json"}, content=chunks()
    )
    assert streamed.status_code == 413, streamed.text
    assert "上限" in streamed.json()["detail"]
    small = small_client.post("/api/v1/enterprises", headers=auth, json={})
    assert small.status_code == 422  # under the limit: validated as usual


def _bomb(unpacked: int) -> bytes:
    """A zip that looks like an xlsx and unpacks one member to ``unpacked`` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(unpacked // len(block)):
                member.write(block)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_before_reading(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workbook, "MAX_UNPACKED", 16 * 1024 * 1024)
    bomb = _bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000  # a small file …
    assert "压缩炸弹" in (workbook.unpacked_problem(bomb) or "")  # … that would unpack to 64 MB
    with pytest.raises(InvalidInput) as caught:
        sheet.import_workbook(None, actor=SYSTEM, content=bomb, filename="bomb.xlsx")  # type: ignore[arg-type]
    assert "bomb.xlsx" in caught.value.problems[0].message and "压缩炸弹" in caught.value.problems[0].message
    assert workbook.unpacked_problem(_bomb(4 * 1024 * 1024)) is None  # the same shape, within bounds


def test_a_bomb_through_the_registry_import_is_a_clear_422(client, made, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workbook, "MAX_UNPACKED", 16 * 1024 * 1024)
    made.user("boss", "admin")
    resp = client.post(
        "/api/v1/imports/enterprises",
        headers=bearer(client, "boss"),
        files={"file": ("bomb.xlsx", _bomb(64 * 1024 * 1024))},
    )
    assert resp.status_code == 422
    assert any("压缩炸弹" in p["message"] for p in resp.json()["problems"])
