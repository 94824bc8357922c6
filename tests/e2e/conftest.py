"""Browser tests: Playwright drives Debian's Chromium against a real server on a free local port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from kechuang.db import transaction
from kechuang.demo.loader import DEMO_USERS, load_demo_users
from kechuang.web.app import create_app
from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORDS = {u.username: f"{u.username}-e2e-pass" for u in DEMO_USERS}


@dataclass
class LiveServer:
    url: str

    def login(self, page: Page, username: str) -> None:
        page.goto(f"{self.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORDS[username])
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.url}/")


@pytest.fixture
def live_server(settings, engine, factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    with transaction(factory) as session:
        load_demo_users(session, settings, passwords=PASSWORDS)
    app = create_app(settings, engine)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("crash", lambda _: errors.append("the page's renderer crashed"))
    pg.console_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()
    blocked = [e for e in errors if "Content Security Policy" in e]
    assert blocked == [], "the page broke its Content-Security-Policy"
