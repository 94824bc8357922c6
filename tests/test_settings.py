from pathlib import Path

import pytest

from kechuang.settings import SETTINGS, Settings, SettingsError, load_settings, markdown_table

DOCS = Path(__file__).parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in text]
    assert missing == []


def test_the_configuration_table_is_the_one_generated_from_settings() -> None:
    assert markdown_table() in DOCS.read_text(encoding="utf-8"), (
        "docs/configuration.md: paste the output of `python -m kechuang.settings`"
    )


def test_defaults_use_sqlite_in_working_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({})
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'kechuang.db'}"


@pytest.mark.parametrize("secret", ["", "change-me", "short-secret"])
def test_weak_secret_is_refused(secret: str) -> None:
    with pytest.raises(SettingsError, match="KECHUANG_SECRET_KEY"):
        load_settings({"KECHUANG_SECRET_KEY": secret}).require_strong_secret()


def test_generated_secret_is_strong_and_kept_when_given() -> None:
    assert Settings().with_generated_secret().secret_is_strong()
    strong = "s" * 40
    assert Settings(secret_key=strong).with_generated_secret().secret_key == strong


def test_unknown_and_malformed_settings_are_named() -> None:
    with pytest.raises(SettingsError, match="KECHUANG_DATABSE_URL"):
        load_settings({"KECHUANG_DATABSE_URL": "x"})
    with pytest.raises(SettingsError, match="KECHUANG_SESSION_HOURS"):
        load_settings({"KECHUANG_SESSION_HOURS": "soon"})
