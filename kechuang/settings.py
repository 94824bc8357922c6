"""The one settings registry: every setting is an environment variable ``KECHUANG_*``.

Each setting is declared once in ``SETTINGS`` with its default and a plain description;
``docs/configuration.md`` must mention every name (a test checks it).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "KECHUANG_DATABASE_URL",
        "",
        "SQLAlchemy URL of the database. Empty: the SQLite file kechuang.db in the working directory. "
        "PostgreSQL: postgresql+psycopg://user:password@host:5432/dbname",
    ),
    Setting(
        "KECHUANG_SECRET_KEY",
        "",
        "Secret used to sign session cookies, CSRF tokens and API tokens (at least 32 characters). "
        "`kechuang serve` refuses to start without one; `kechuang demo` generates one.",
    ),
    Setting(
        "KECHUANG_ADMIN_PASSWORD",
        "",
        "Password given to the `admin` account when it is created (demo or first start). "
        "Empty: a random password is generated and printed once.",
    ),
    Setting(
        "KECHUANG_REGIONS_FILE",
        "",
        "JSON file with the city's regions (city, districts, functional zones). "
        "Empty: the bundled Yangzhou file.",
    ),
    Setting(
        "KECHUANG_SESSION_HOURS",
        "12",
        "How long a login session and an API token stay valid, in hours.",
    ),
    Setting(
        "KECHUANG_LOGIN_MAX_FAILURES",
        "5",
        "Failed logins allowed per account and per client address within 15 minutes before further "
        "attempts are refused.",
    ),
    Setting(
        "KECHUANG_SECURE_COOKIES",
        "false",
        "true: mark the session cookie Secure (serve behind HTTPS).",
    ),
    Setting(
        "KECHUANG_IN_PROCESS_WORKER",
        "true",
        "true: `kechuang serve` and `kechuang demo` also run the background jobs in a thread. Set false when "
        "`kechuang worker` runs them (several web workers, or a separate machine).",
    ),
    Setting(
        "KECHUANG_JOBS_POLL_SECONDS",
        "60",
        "How often the worker checks for due jobs, in seconds.",
    ),
    Setting(
        "KECHUANG_MAX_UPLOAD_MB",
        "50",
        "Largest request body (an uploaded workbook or document), in MB; larger ones are refused with 413.",
    ),
    Setting(
        "KECHUANG_MATCH_MODEL",
        "",
        "Folder of an optional local sentence-embedding model for demand–capability matching (`model.onnx` "
        "and `tokenizer.json`; needs `pip install kechuang[model]`). Empty: matching uses words, character "
        "pairs and the atlas only (see docs/matching.md).",
    ),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}


def markdown_table() -> str:
    """The settings table of ``docs/configuration.md``, generated from ``SETTINGS`` (a test compares them;
    ``python -m kechuang.settings`` prints it)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        rows.append(f"| `{s.name}` | {default} | {s.description} |")
    return "\n".join(rows) + "\n"


WEAK_SECRETS = frozenset({"", "change-me", "changeme", "secret", "kechuang", "default"})
MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A setting has a value kechuang cannot use."""


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    secret_key: str = ""
    admin_password: str = ""
    regions_file: str = ""
    session_hours: int = int(DEFAULTS["KECHUANG_SESSION_HOURS"])
    login_max_failures: int = int(DEFAULTS["KECHUANG_LOGIN_MAX_FAILURES"])
    secure_cookies: bool = DEFAULTS["KECHUANG_SECURE_COOKIES"] == "true"
    in_process_worker: bool = DEFAULTS["KECHUANG_IN_PROCESS_WORKER"] == "true"
    jobs_poll_seconds: int = int(DEFAULTS["KECHUANG_JOBS_POLL_SECONDS"])
    max_upload_mb: int = int(DEFAULTS["KECHUANG_MAX_UPLOAD_MB"])
    match_model: str = ""

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path.cwd() / 'kechuang.db'}"

    def with_generated_secret(self) -> Settings:
        if self.secret_is_strong():
            return self
        return replace(self, secret_key=secrets.token_urlsafe(48))

    def as_environment(self) -> dict[str, str]:
        """These settings as ``KECHUANG_*`` variables (``load_settings`` of them gives them back): how
        worker processes receive the settings their parent was started with."""
        env = {}
        for s in SETTINGS:
            value = getattr(self, s.name.removeprefix("KECHUANG_").lower())
            env[s.name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        env["KECHUANG_DATABASE_URL"] = self.effective_database_url
        return env

    def child_environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` (e.g. ``os.environ``) with its own ``KECHUANG_*`` settings replaced by these: the
        environment for a ``kechuang`` subprocess that must run with exactly these settings."""
        kept = {
            k: v for k, v in base.items() if not k.startswith("KECHUANG_") or k.startswith("KECHUANG_TEST_")
        }
        return {**kept, **self.as_environment()}

    def secret_is_strong(self) -> bool:
        return self.secret_key not in WEAK_SECRETS and len(self.secret_key) >= MIN_SECRET_LENGTH

    def require_strong_secret(self) -> None:
        if not self.secret_is_strong():
            raise SettingsError(
                "KECHUANG_SECRET_KEY is missing, a default value or shorter than "
                f"{MIN_SECRET_LENGTH} characters. Generate one with: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )


def _int(env: Mapping[str, str], name: str, default: str) -> int:
    raw = env.get(name, default).strip()
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: expected a whole number") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r}: expected a number above 0")
    return value


def _bool(env: Mapping[str, str], name: str, default: str) -> bool:
    raw = env.get(name, default).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{name}={raw!r}: expected true or false")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every ``KECHUANG_*`` setting from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    defaults = DEFAULTS
    known = set(defaults)
    unknown = sorted(
        k for k in env if k.startswith("KECHUANG_") and k not in known and not k.startswith("KECHUANG_TEST_")
    )
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)} (see docs/configuration.md)")
    return Settings(
        database_url=env.get("KECHUANG_DATABASE_URL", "").strip(),
        secret_key=env.get("KECHUANG_SECRET_KEY", ""),
        admin_password=env.get("KECHUANG_ADMIN_PASSWORD", ""),
        regions_file=env.get("KECHUANG_REGIONS_FILE", "").strip(),
        session_hours=_int(env, "KECHUANG_SESSION_HOURS", defaults["KECHUANG_SESSION_HOURS"]),
        login_max_failures=_int(env, "KECHUANG_LOGIN_MAX_FAILURES", defaults["KECHUANG_LOGIN_MAX_FAILURES"]),
        secure_cookies=_bool(env, "KECHUANG_SECURE_COOKIES", defaults["KECHUANG_SECURE_COOKIES"]),
        in_process_worker=_bool(env, "KECHUANG_IN_PROCESS_WORKER", defaults["KECHUANG_IN_PROCESS_WORKER"]),
        jobs_poll_seconds=_int(env, "KECHUANG_JOBS_POLL_SECONDS", defaults["KECHUANG_JOBS_POLL_SECONDS"]),
        max_upload_mb=_int(env, "KECHUANG_MAX_UPLOAD_MB", defaults["KECHUANG_MAX_UPLOAD_MB"]),
        match_model=env.get("KECHUANG_MATCH_MODEL", "").strip(),
    )


if __name__ == "__main__":
    print(markdown_table(), end="")
