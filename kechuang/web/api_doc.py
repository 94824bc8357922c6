"""The table of API operations in ``docs/api.md``, generated from the routers (``python -m
kechuang.web.api_doc``); a test keeps the document equal to it."""

from __future__ import annotations

from fastapi import FastAPI

from kechuang.web import routes

METHODS = ("get", "post", "put", "patch", "delete")


def operations() -> list[tuple[str, str, str, str]]:
    """(tag, METHOD, path, summary) of every API operation, in the routers' order."""
    app = FastAPI()
    for router in routes.ROUTERS:
        app.include_router(router)
    out = []
    for path, item in app.openapi()["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is not None:
                summary = op.get("summary") or ""
                out.append((op.get("tags", [""])[0], method.upper(), path, summary))
    return out


def markdown_table() -> str:
    lines = ["| area | operation | what it does |", "|---|---|---|"]
    for tag, method, path, summary in operations():
        lines.append(f"| {tag} | `{method} {path}` | {summary} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
