"""Login, logout, CSRF, throttling, bearer tokens — on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.conftest import PASSWORD, bearer, csrf_of, login


def test_login_sets_httponly_samesite_session_cookie(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    token = csrf_of(client)
    resp = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 303
    cookie = resp.headers["set-cookie"]
    assert "kc_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    token = csrf_of(client)
    resp = client.post("/login", data={"username": "alice", "password": "nope-nope", "csrf_token": token})
    assert resp.status_code == 401
    assert "用户名或密码错误" in resp.text
    assert client.get("/").status_code == 303


def test_form_post_without_csrf_token_is_refused(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    csrf_of(client)  # the cookie is there, the form field is not
    resp = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert resp.status_code == 403
    login(client, "alice")
    resp = client.post("/admin/users", data={"username": "bob", "password": "password-1", "role": "viewer"})
    assert resp.status_code == 403
    resp = client.post("/logout")
    assert resp.status_code == 403


def test_forged_csrf_token_is_refused(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    csrf_of(client)
    resp = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": "forged.token"}
    )
    assert resp.status_code == 403


def test_login_is_throttled_after_repeated_failures(client, made, settings) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    token = csrf_of(client)
    for _ in range(settings.login_max_failures):
        r = client.post("/login", data={"username": "alice", "password": "wrong-pass", "csrf_token": token})
        assert r.status_code == 401
    resp = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429
    assert (
        client.post("/api/v1/auth/token", json={"username": "alice", "password": PASSWORD}).status_code == 429
    )


def test_logout_ends_the_session(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    login(client, "alice")
    token = client.cookies.get("kc_csrf")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


def test_bearer_token_authenticates_api_calls(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "viewer")
    resp = client.post("/api/v1/auth/token", json={"username": "alice", "password": PASSWORD})
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "alice"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer garbage"}).status_code == 401
    assert (
        client.post("/api/v1/auth/token", json={"username": "alice", "password": "bad-pass"}).status_code
        == 401
    )


def test_cookie_authenticated_api_write_needs_csrf_header(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    login(client, "alice")
    body = {"username": "carol", "password": "password-1", "role": "viewer"}
    assert client.post("/api/v1/users", json=body).status_code == 403
    ok = client.post("/api/v1/users", json=body, headers={"X-CSRF-Token": client.cookies.get("kc_csrf")})
    assert ok.status_code == 201, ok.text


def test_password_change_invalidates_old_tokens(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    headers = bearer(client, "alice")
    login(client, "alice")
    token = client.cookies.get("kc_csrf")
    resp = client.post(
        "/admin/users/alice/password", data={"password": "brand-new-pass", "csrf_token": token}
    )
    assert resp.status_code == 303
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/").status_code == 303  # the session cookie is stale too


def test_disabled_user_cannot_log_in(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    made.user("bob", "viewer")
    login(client, "alice")
    token = client.cookies.get("kc_csrf")
    assert (
        client.post("/admin/users/bob/active", data={"active": "0", "csrf_token": token}).status_code == 303
    )
    assert (
        client.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD}).status_code == 401
    )


def test_login_next_parameter_cannot_redirect_off_site(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("alice", "admin")
    token = csrf_of(client)
    resp = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
    )
    assert resp.headers["location"] == "/"
