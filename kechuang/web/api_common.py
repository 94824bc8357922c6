"""What every JSON API operation shares: the one error shape, the error responses declared in
OpenAPI, bounded parameter types (ids, pages, years, dates) and Chinese messages for input errors.

Every error the API answers is ``{"detail": "…", "problems": [{"field", "message", "value"?}, …]}``
(``problems`` present for input errors); each operation declares the statuses it may answer."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, Strict

from kechuang.errors import InvalidInput, Problem
from kechuang.paging import MAX_PAGE, MAX_PAGE_SIZE

MAX_ID = 2**31 - 1  # ids are INTEGER columns (32 bits on PostgreSQL)
MIN_YEAR = 1990  # the first year the registry accepts (as the spreadsheet import)
MAX_TEXT_QUERY = 100  # a search box's longest query


class ProblemOut(BaseModel):
    field: str = Field(description="the field (or column header) at fault, e.g. `page` or `body.uscc`")
    message: str = Field(description="what is wrong and what is expected, in Chinese")
    value: Any = Field(None, description="the value found, when there was one")
    row: int | None = Field(None, description="the row (spreadsheets: Excel's row number; lists: the index)")
    file: str | None = Field(None, description="the file, for imports")


class ErrorOut(BaseModel):
    """Every error answer of the API."""

    detail: str = Field(description="what went wrong, in Chinese")
    problems: list[ProblemOut] | None = Field(None, description="input errors: every problem found at once")


_DESCRIPTIONS = {
    400: "请求无法解析 (the body is not valid JSON or form data)",
    401: "未登录或访问令牌无效 (no valid bearer token or session)",
    403: "无权执行该操作 (the role or the region does not allow it)",
    404: "不存在或无权查看 (not found, or outside the caller's scope)",
    409: "与已有数据冲突 (e.g. the USCC or the username is already registered)",
    413: "上传的文件过大 (the upload is too large)",
    422: "输入有误：problems 列出每一处 (every problem, naming the field)",
    429: "请求过于频繁 (too many failed logins; try again later)",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation (or router) for these error statuses, all in ``ErrorOut``."""
    return {code: {"model": ErrorOut, "description": _DESCRIPTIONS[code]} for code in codes}


# Every operation behind a login: bad input, no login, not allowed.
COMMON = errors(400, 401, 403, 422)
NOT_FOUND = errors(404)
CONFLICT = errors(409)

# ---- bounded parameters -------------------------------------------------------------------


def _id_path(description: str) -> Any:
    return Path(ge=1, le=MAX_ID, description=description)


EnterpriseId = Annotated[int, _id_path("an enterprise's id")]
ProjectId = Annotated[int, _id_path("a project's id")]
THIS_YEAR = date.today().year  # figures of a later year are refused
Year = Annotated[
    int,
    Path(ge=MIN_YEAR, le=THIS_YEAR, description=f"a fiscal year from {MIN_YEAR}, not later than this year"),
]
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"1–{MAX_PAGE:,}")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"items per page, 1–{MAX_PAGE_SIZE}")]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> date:
    """Only ``YYYY-MM-DD`` (or a date): no timestamps, no other spellings."""
    if isinstance(value, date):
        return value
    try:
        if isinstance(value, str) and _ISO_DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass  # e.g. 2024-02-30
    raise ValueError("应为日期 YYYY-MM-DD，如 2019-04-12")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _until_this_year() -> str:
    """A pattern for ``YYYY-MM-DD`` in this year or before (JSON Schema has no maximum for dates)."""
    years = "|".join(str(y) for y in range(2000, THIS_YEAR + 1))
    return f"^(?:[01][0-9]{{3}}|{years})-[0-9]{{2}}-[0-9]{{2}}$"


# A day not after this year (a founding date); the service checks the same rule.
PastDate = Annotated[
    IsoDate, Field(json_schema_extra={"pattern": _until_this_year()}, description="not later than this year")
]


def _integral(value: Any) -> Any:
    """JSON Schema's integer includes 12.0: take it as 12 (other floats stay floats and are refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**63 else value


StrictInt = Annotated[int, Strict()]  # a JSON number, never "12" or true
# Put outside the bounds (``Annotated[Annotated[StrictInt, Field(ge=…, le=…)] | None, Integral]``) so that
# the bounds stay ``minimum``/``maximum`` in the JSON Schema: a JSON integer, 12 or 12.0, never "12" or true.
Integral = BeforeValidator(_integral)
StrictBool = Annotated[bool, Strict()]  # true or false, never "yes" or 1


def api_number(value: Any) -> Any:
    """A computed figure as the API answers it: floats rounded to 6 places, NaN and ±inf as null (JSON
    has neither); anything else as it is."""
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


def _utc(value: Any) -> Any:
    """Stored times are naive UTC; answer them as RFC 3339 with the zone."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


def iso_date_or_none(value: Any, field: str) -> date | None:
    """An optional ``YYYY-MM-DD`` in a hand-read body; raises ``InvalidInput`` naming the field."""
    if value is None:
        return None
    try:
        return _iso_date(value)
    except ValueError as exc:
        raise InvalidInput([Problem(field, str(exc), value if isinstance(value, str) else None)]) from None


# ---- no NUL characters (PostgreSQL's text cannot hold them) ---------------------------------

NUL_MESSAGE = "不能含有 NUL 字符 (\\u0000)"


def _nul_path(value: Any, where: str) -> str | None:
    """The dotted path of the first string (or key) holding a NUL in a JSON value, else None."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        inner = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and "\x00" in key:
            return inner
        found = _nul_path(item, inner)
        if found:
            return found
    return None


async def refuse_nul(request: Request) -> None:
    """A router dependency: a path, query or JSON body value with NUL is a 422 naming it."""
    values = [*request.path_params.items(), *request.query_params.multi_items()]
    bad = next((name for name, value in values if "\x00" in name or "\x00" in str(value)), None)
    if bad is None and request.headers.get("content-type", "").startswith("application/json"):
        raw = await request.body()
        if b"\\u0000" in raw.lower():
            try:
                bad = _nul_path(json.loads(raw), "")
            except ValueError:
                bad = None  # not JSON: the body's own validation answers
    if bad is not None:
        raise InvalidInput([Problem(bad or "body", NUL_MESSAGE)])


GUARDS = [Depends(refuse_nul)]

# ---- input errors in Chinese ----------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "missing": "必填，不能缺少",
    "string_type": "应为字符串",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不对：应符合 {pattern}",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "date_type": "应为日期 YYYY-MM-DD，如 2019-04-12",
    "date_parsing": "应为日期 YYYY-MM-DD，如 2019-04-12",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD，如 2019-04-12",
    "list_type": "应为数组",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "请求体不是有效的 JSON",
    "too_long": "最多 {max_length} 项",
    "extra_forbidden": "未知的字段",
    "value_error": "{error}",
}


def _message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type", "")))
    ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
    if template is None:
        return str(error.get("msg", "输入有误"))
    if "error" in ctx:
        ctx["error"] = str(ctx["error"]).removeprefix("Value error, ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(error.get("msg", "输入有误"))


def _field(loc: tuple[Any, ...]) -> str:
    """``("query", "page")`` → ``page``; ``("body", "figures", "tax_paid")`` → ``figures.tax_paid``."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("query", "path", "header", "cookie", "body"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _shown(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value if not isinstance(value, int) or abs(value) < 2**53 else str(value)
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "…"
    return None


def validation_problems(errors_: list[Any]) -> list[dict[str, Any]]:
    """FastAPI's validation errors as problems: the field, a Chinese message, the value found."""
    out = []
    for error in errors_:
        problem: dict[str, Any] = {"field": _field(tuple(error.get("loc", ()))), "message": _message(error)}
        value = _shown(error.get("input"))
        if value is not None and error.get("type") != "missing":
            problem["value"] = value
        out.append(problem)
    return out
