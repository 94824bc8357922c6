"""The API is documented: ``docs/api.md`` lists every operation (generated), each has a summary, and
every JSON request body carries an example in the OpenAPI document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from kechuang.web import api_doc, routes

DOC = Path(__file__).parents[1] / "docs" / "api.md"


def _openapi() -> dict[str, Any]:
    app = FastAPI()
    for router in routes.ROUTERS:
        app.include_router(router)
    return app.openapi()


def test_docs_list_every_operation_as_generated() -> None:
    assert api_doc.markdown_table() in DOC.read_text(encoding="utf-8"), (
        "docs/api.md: paste the output of `python -m kechuang.web.api_doc`"
    )


def test_every_operation_has_a_summary_of_its_own() -> None:
    from fastapi.routing import APIRoute

    missing = [
        f"{sorted(r.methods)} {r.path}"
        for router in routes.ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and r.include_in_schema and not r.summary
    ]
    assert missing == []


def test_every_json_body_has_an_example() -> None:
    doc = _openapi()
    schemas = doc["components"]["schemas"]
    missing = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            schema = body["schema"]
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            if not (schema.get("examples") or body.get("example") or body.get("examples")):
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_every_bound_is_json_schema() -> None:
    """Bounds under a validator can leak as pydantic's own ``ge``/``le`` keys, which no client reads."""
    leaked = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if {"ge", "le", "gt", "lt"} & set(node) and "type" in node:
                leaked.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(_openapi(), "")
    assert leaked == []
