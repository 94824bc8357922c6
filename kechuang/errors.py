"""Errors that services raise and the web layer turns into clear answers (never a stack trace)."""

from __future__ import annotations

from dataclasses import dataclass, field


class KechuangError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(KechuangError):
    status_code = 404


class Forbidden(KechuangError):
    status_code = 403


class NotAuthenticated(KechuangError):
    status_code = 401


class Throttled(KechuangError):
    status_code = 429


@dataclass(frozen=True)
class Problem:
    """One problem with the input: where it is, what was found and what was expected."""

    field: str
    message: str
    value: object = None
    row: int | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.value is not None:
            out["value"] = self.value
        if self.row is not None:
            out["row"] = self.row
        if self.file is not None:
            out["file"] = self.file
        return out

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"第{self.row}行")
        where.append(f"「{self.field}」")
        shown = "" if self.value is None else f"：值 {self.value!r}"
        return f"{' '.join(where)}{shown}：{self.message}"


@dataclass
class InvalidInput(KechuangError):
    """Every problem found in the input at once; nothing was written."""

    problems: list[Problem] = field(default_factory=list)
    status_code = 422

    def __post_init__(self) -> None:
        KechuangError.__init__(self, f"{len(self.problems)} 处错误，未写入任何数据")


@dataclass
class Conflict(InvalidInput):
    """The input is valid but clashes with what is stored (a USCC or a username already registered)."""

    status_code = 409

    def __post_init__(self) -> None:
        KechuangError.__init__(self, "与已有数据冲突，未写入任何数据")


@dataclass
class OutsideScope(InvalidInput):
    """The input is valid but places data outside the actor's area (forms show it like any problem)."""

    status_code = 403

    def __post_init__(self) -> None:
        KechuangError.__init__(self, "超出您的管辖范围，未写入任何数据")
