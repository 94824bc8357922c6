from __future__ import annotations

from sqlalchemy import select

from kechuang.auth.models import AuditEntry
from kechuang.auth.service import UserInput, create_user, set_password
from kechuang.db import transaction
from tests.conftest import bearer, login


def _actor(factory, username):  # type: ignore[no-untyped-def]
    from kechuang.auth.models import User
    from kechuang.auth.service import actor_for

    with transaction(factory) as s:
        return actor_for(s, s.scalar(select(User).where(User.username == username)))


def test_every_write_is_audited_with_before_and_after(factory, made) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    actor = _actor(factory, "boss")
    with transaction(factory) as s:
        s.info["actor"] = actor
        create_user(
            s,
            actor=actor,
            data=UserInput(username="dora", password="password-1", role="district", region_code="321012"),
        )
    with transaction(factory) as s:
        s.info["actor"] = actor
        set_password(s, actor=actor, username="dora", password="password-2")
    with transaction(factory) as s:
        entries = list(
            s.scalars(select(AuditEntry).where(AuditEntry.entity == "users").order_by(AuditEntry.id))
        )
    created, changed = entries[-2], entries[-1]
    assert created.action == "create" and created.actor_username == "boss"
    assert created.after["username"] == "dora" and created.after["password_hash"] == "***"
    assert created.region_code == "321012"
    assert created.entity_id == str(created.after["id"]) == changed.entity_id  # a new row names its key
    assert changed.action == "update"
    assert changed.before == {"password_hash": "***", "session_version": 1}
    assert changed.after == {"password_hash": "***", "session_version": 2}


def test_failed_write_leaves_no_audit_row(factory, made) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    actor = _actor(factory, "boss")
    try:
        with transaction(factory) as s:
            s.info["actor"] = actor
            create_user(s, actor=actor, data=UserInput(username="eve", password="password-1", role="viewer"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with transaction(factory) as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "create")) is None


def test_admin_browses_and_filters_the_audit_log(client, made) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    headers = bearer(client, "boss")
    client.post(
        "/api/v1/users", headers=headers, json={"username": "fay", "password": "password-1", "role": "viewer"}
    )
    page = client.get("/api/v1/audit", headers=headers, params={"entity": "users", "action": "create"}).json()
    assert page["total"] == 1 and page["items"][0]["after"]["username"] == "fay"
    assert client.get("/api/v1/audit", headers=headers, params={"actor": "nobody"}).json()["total"] == 0
    login(client, "boss")
    html = client.get("/admin/audit", params={"entity": "users"}).text
    assert "fay" in html
    logins = client.get("/admin/audit", params={"action": "login"}).text
    assert "fay" not in logins and "boss" in logins
