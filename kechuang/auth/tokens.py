"""Signed, expiring session cookies, API bearer tokens and CSRF tokens."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    session_version: int


class TokenService:
    def __init__(self, secret_key: str, max_age_seconds: int) -> None:
        self._session = URLSafeTimedSerializer(secret_key, salt="kechuang.session")
        self._api = URLSafeTimedSerializer(secret_key, salt="kechuang.api-token")
        self._csrf = URLSafeTimedSerializer(secret_key, salt="kechuang.csrf")
        self.max_age = max_age_seconds

    def _dump(self, s: URLSafeTimedSerializer, user_id: int, session_version: int) -> str:
        return s.dumps({"u": user_id, "v": session_version})

    def _load(self, s: URLSafeTimedSerializer, token: str) -> TokenClaims | None:
        try:
            data = s.loads(token, max_age=self.max_age)
            return TokenClaims(user_id=int(data["u"]), session_version=int(data["v"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def session_cookie(self, user_id: int, session_version: int) -> str:
        return self._dump(self._session, user_id, session_version)

    def read_session_cookie(self, token: str) -> TokenClaims | None:
        return self._load(self._session, token)

    def api_token(self, user_id: int, session_version: int) -> str:
        return self._dump(self._api, user_id, session_version)

    def read_api_token(self, token: str) -> TokenClaims | None:
        return self._load(self._api, token)

    def new_csrf(self) -> str:
        return self._csrf.dumps(secrets.token_urlsafe(16))

    def csrf_valid(self, cookie_value: str | None, submitted: str | None) -> bool:
        """Double-submit check: the form or header value equals the signed cookie value."""
        if not cookie_value or not submitted or not hmac.compare_digest(cookie_value, submitted):
            return False
        try:
            self._csrf.loads(cookie_value)
        except BadSignature:
            return False
        return True
