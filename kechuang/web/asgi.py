"""The ASGI application built from the environment, for several worker processes.

``kechuang serve --workers N`` starts N processes that each call ``from_environment``; a deployment
may also run it under any ASGI server: ``uvicorn --factory kechuang.web.asgi:from_environment``.
"""

from __future__ import annotations

from fastapi import FastAPI

from kechuang.settings import load_settings
from kechuang.web.app import create_app


def from_environment() -> FastAPI:
    """The app for the ``KECHUANG_*`` settings of this process's environment."""
    settings = load_settings()
    settings.require_strong_secret()
    return create_app(settings)
