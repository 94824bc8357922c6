"""The atlas as a document: one JSON object (clusters, chains with nodes, edges and items) that the
bureau maintains as JSON or as an Excel workbook with one sheet per kind. Pure: no database.

``validate`` reports every problem at once, each naming the file, where it is (the sheet and the row
Excel shows, or the JSON path), the field, the value and what was expected.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from kechuang.choices import ItemKind, Stage, SupplyKind
from kechuang.errors import InvalidInput, Problem
from kechuang.workbook import AT, Book, Field, Sheet, read_book, write_book
from kechuang.workbook import text as _text

STAGE_LABELS = Stage.labels()
KIND_LABELS = ItemKind.labels()
SUPPLY_LABELS = SupplyKind.labels()
CODE = re.compile(r"^[a-z0-9_]+$")
NODE_CODE = re.compile(r"^[a-z0-9_]+\.[a-z0-9_.]+$")
INDUSTRY = re.compile(r"^[A-T]\d{4}$")


def _cell(key: str, header: str, offer: tuple[str, ...] = (), width: int = 18) -> Field:
    """A text cell of the atlas workbook: the document's one validator (``validate``) checks it."""
    return Field(key, header, default="", width=width, offer=offer)


BOOK = Book(
    (
        Sheet("说明", (_cell("key", "项目"), _cell("value", "内容", width=90))),
        Sheet(
            "集群",
            (
                _cell("code", "集群编号"),
                _cell("name", "集群名称"),
                _cell("name_en", "英文名称"),
                _cell("aliases", "别名"),
            ),
        ),
        Sheet(
            "产业链",
            (
                _cell("code", "产业链编号"),
                _cell("name", "产业链名称"),
                _cell("name_en", "英文名称"),
                _cell("cluster", "所属集群编号"),
                _cell("aliases", "别名"),
            ),
        ),
        Sheet(
            "节点",
            (
                _cell("code", "节点编号"),
                _cell("chain", "产业链编号"),
                _cell("name", "节点名称"),
                _cell("name_en", "英文名称"),
                _cell("stage", "环节", tuple(STAGE_LABELS.values())),
                _cell("parent", "上级节点编号"),
                _cell("industry_codes", "行业代码"),
                _cell("keywords", "关键词"),
            ),
        ),
        Sheet(
            "供应关系",
            (
                _cell("chain", "产业链编号"),
                _cell("from", "供应节点编号"),
                _cell("to", "需求节点编号"),
                _cell("weight", "权重"),
            ),
        ),
        Sheet(
            "关键环节",
            (
                _cell("node", "节点编号"),
                _cell("kind", "类型", tuple(KIND_LABELS.values())),
                _cell("name", "名称"),
                _cell("chokepoint", "卡脖子", ("是", "否")),
                _cell("supply", "供应来源", tuple(SUPPLY_LABELS.values())),
            ),
        ),
    )
)
SHEETS = {sheet.name: sheet.columns for sheet in BOOK.sheets}  # field → header, for problems
ABOUT = (("atlas", "图谱编号"), ("version", "版本"), ("name", "名称"), ("source", "来源"), ("note", "说明"))
SEP = "|"


class AtlasError(InvalidInput):
    """Every problem of an atlas document."""


def _where(file: str, at: Any) -> str:
    if isinstance(at, tuple):
        return f"{file} 工作表“{at[0]}”第 {at[1]} 行"
    return f"{file} {at}" if at else file


class _Report:
    """Collects problems, each naming where it is and the column as the user sees it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def __call__(self, rec: dict[str, Any] | None, field: str, value: Any, expected: str) -> None:
        at = rec.get(AT) if rec else None
        if isinstance(at, tuple):  # a workbook row: name the column as the user sees it
            field = dict(SHEETS[at[0]]).get(field, field)
        shown = (
            _text(value) if not isinstance(value, list | dict) else json.dumps(value, ensure_ascii=False)[:60]
        )
        self.problems.append(
            Problem(
                field,
                f"{_where(self.file, at)}「{field}」：值“{shown}”，应为{expected}",
                shown,
                row=at[1] if isinstance(at, tuple) else None,
                file=self.file,
            )
        )


Bad = Callable[[dict[str, Any] | None, str, Any, str], None]


def validate(doc: Any, file: str) -> list[Problem]:
    """Every problem of the document (empty when it can be loaded)."""
    if not isinstance(doc, dict):
        return [
            Problem(
                "文件", f"{file}：应为一个 JSON 对象（含 clusters 和 chains）", type(doc).__name__, file=file
            )
        ]
    bad = _Report(file)
    for key in ("atlas", "version", "name"):
        if not _text(doc.get(key)):
            bad({AT: "说明"}, key, doc.get(key), "非空文字")
    clusters = _records(doc, "clusters", "至少一个集群的列表", bad)
    chains = _records(doc, "chains", "至少一条产业链的列表", bad)
    cluster_codes: set[str] = set()
    for c in clusters:
        _identity(c, cluster_codes, "集群", bad)
    chain_codes: set[str] = set()
    node_codes: set[str] = set()
    for ch in chains:
        _check_chain(ch, cluster_codes, chain_codes, node_codes, bad)
    return bad.problems


def _records(doc: dict[str, Any], key: str, expected: str, bad: Bad) -> list[dict[str, Any]]:
    """The objects of a top-level list; the list itself and any non-object named."""
    value = doc.get(key)
    if not isinstance(value, list) or not value:
        bad(None, key, value, expected)
        return []
    for rec in value:
        if not isinstance(rec, dict):
            bad(None, key, rec, "对象")
    return [rec for rec in value if isinstance(rec, dict)]


def _identity(rec: dict[str, Any], seen: set[str], what: str, bad: Bad) -> str:
    """A cluster's or chain's code (well-formed, not seen before) and name."""
    code = _text(rec.get("code"))
    if not CODE.match(code):
        bad(rec, "code", code, "小写字母、数字或下划线组成的编号")
    elif code in seen:
        bad(rec, "code", code, f"不重复的{what}编号")
    seen.add(code)
    if not _text(rec.get("name")):
        bad(rec, "name", rec.get("name"), f"{what}名称")
    return code


def _check_chain(
    ch: dict[str, Any], cluster_codes: set[str], chain_codes: set[str], node_codes: set[str], bad: Bad
) -> None:
    code = _identity(ch, chain_codes, "产业链", bad)
    if _text(ch.get("cluster")) not in cluster_codes:
        bad(ch, "cluster", ch.get("cluster"), "已定义的集群编号（" + "、".join(sorted(cluster_codes)) + "）")
    raw = ch.get("nodes")
    nodes: list[Any] = raw if isinstance(raw, list) else []
    if not nodes:
        bad(ch, "nodes", ch.get("nodes"), "至少一个节点")
    stage_of: dict[str, str] = {}
    for n in nodes:
        if not isinstance(n, dict):
            bad(ch, "nodes", n, "对象")
            continue
        ncode = _check_node(n, code, node_codes, bad)
        stage_of[ncode] = _text(n.get("stage"))
    for n in nodes:
        if isinstance(n, dict) and n.get("parent") not in (None, ""):
            _check_parent(n, stage_of, bad)
    _check_edges(ch, stage_of, bad)


def _check_node(n: dict[str, Any], chain: str, node_codes: set[str], bad: Bad) -> str:
    ncode = _text(n.get("code"))
    if not NODE_CODE.match(ncode) or not ncode.startswith(chain + "."):
        bad(n, "code", ncode, f"以“{chain}.”开头、由小写字母、数字或下划线组成的节点编号")
    elif ncode in node_codes:
        bad(n, "code", ncode, "不重复的节点编号")
    node_codes.add(ncode)
    if not _text(n.get("name")):
        bad(n, "name", n.get("name"), "节点名称")
    if _text(n.get("stage")) not in STAGE_LABELS:
        bad(n, "stage", _text(n.get("stage")), "upstream / midstream / downstream（上游 / 中游 / 下游）之一")
    for ic in n.get("industry_codes") or []:
        if not INDUSTRY.match(_text(ic)):
            bad(n, "industry_codes", ic, "GB/T 4754 行业小类代码，如 C3825")
    for item in n.get("items") or []:
        if isinstance(item, dict):
            _check_item(item, bad)
        else:
            bad(n, "items", item, "对象")
    return ncode


def _check_item(item: dict[str, Any], bad: Bad) -> None:
    if _text(item.get("kind")) not in KIND_LABELS:
        kinds = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
        bad(item, "kind", item.get("kind"), kinds + " 之一")
    if not _text(item.get("name")):
        bad(item, "name", item.get("name"), "名称")
    if _text(item.get("supply")) not in SUPPLY_LABELS:
        bad(item, "supply", item.get("supply"), "local / domestic / imported（本地 / 国内 / 进口）之一")
    if not isinstance(item.get("chokepoint"), bool):
        bad(item, "chokepoint", item.get("chokepoint"), "是或否")
    elif item["chokepoint"] and item.get("supply") == "local":
        bad(item, "supply", "local", "卡脖子环节的供应来源为国内或进口（本地已有则不是卡脖子）")


def _check_parent(n: dict[str, Any], stage_of: dict[str, str], bad: Bad) -> None:
    parent = _text(n.get("parent"))
    if parent not in stage_of:
        bad(n, "parent", parent, "同一产业链中已定义的节点编号")
    elif parent == _text(n.get("code")):
        bad(n, "parent", parent, "另一个节点（不能是自身）")
    elif stage_of[parent] != stage_of.get(_text(n.get("code"))):
        bad(n, "parent", parent, "同一环节（上游/中游/下游）的节点")


def _edge_ends(
    ch: dict[str, Any], e: dict[str, Any], nodes: dict[str, str], bad: Bad
) -> tuple[str, str] | None:
    """The edge's (from, to) when both are nodes of the chain; its weight checked either way."""
    src, dst = _text(e.get("from")), _text(e.get("to"))
    missing = [(field, code) for field, code in (("from", src), ("to", dst)) if code not in nodes]
    for field, code in missing:
        bad(e, field, code, f"产业链 {ch.get('code')} 中已定义的节点编号")
    weight = e.get("weight")
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 1:
        bad(e, "weight", weight, "大于 0、不超过 1 的数（需求节点投入中来自供应节点的大致份额）")
    return None if missing else (src, dst)


def _check_edges(ch: dict[str, Any], nodes: dict[str, str], bad: Bad) -> None:
    seen: set[tuple[str, str]] = set()
    out: dict[str, list[str]] = defaultdict(list)
    for e in ch.get("edges") or []:
        if not isinstance(e, dict):
            bad(ch, "edges", e, "对象")
            continue
        ends = _edge_ends(ch, e, nodes, bad)
        if ends is None:
            continue
        src, dst = ends
        if src == dst:
            bad(e, "to", dst, "另一个节点（供应关系不能指向自身）")
        elif ends in seen:
            bad(e, "to", dst, "不重复的供应关系")
        seen.add(ends)
        out[src].append(dst)
    for node, nxt in _back_edges(list(nodes), out):
        bad(ch, "edges", f"{node} → {nxt}", "无环的供应关系（上游供给下游，不能绕回）")


def _back_edges(nodes: list[str], out: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Edges that close a cycle (a cycle makes downstream demand undefined): iterative depth-first search,
    1 = on the stack, 2 = done."""
    state: dict[str, int] = {}
    found = []
    for start in nodes:
        if state.get(start):
            continue
        stack = [(start, iter(out[start]))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                found.append((node, nxt))
                state[nxt] = 2
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(out[nxt])))
    return found


def clean(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without location markers, normalised (lists for codes and aliases, defaults)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != AT}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    cleaned: dict[str, Any] = strip(doc)
    return cleaned


def _mark_chain(i: int, ch: dict[str, Any]) -> None:
    ch[AT] = f"chains[{i}]（{_text(ch.get('code'))}）"
    for j, n in _objects(ch.get("nodes")):
        n[AT] = f"chains[{i}].nodes[{j}]（{_text(n.get('code'))}）"
        for k, item in _objects(n.get("items")):
            item[AT] = f"chains[{i}].nodes[{j}].items[{k}]"
    for j, e in _objects(ch.get("edges")):
        e[AT] = f"chains[{i}].edges[{j}]"


def _objects(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """(index, object) for the objects of a JSON list (anything else is validate's to name)."""
    return [(i, v) for i, v in enumerate(value if isinstance(value, list) else []) if isinstance(v, dict)]


def _mark(doc: Any) -> Any:
    """Adds JSON paths as locations, for problems in a JSON document."""
    if not isinstance(doc, dict):
        return doc
    for i, c in _objects(doc.get("clusters")):
        c[AT] = f"clusters[{i}]"
    for i, ch in _objects(doc.get("chains")):
        _mark_chain(i, ch)
    return doc


def from_json(content: bytes, file: str) -> dict[str, Any]:
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AtlasError(
            [Problem("文件", f"{file}：不是有效的 UTF-8 JSON（{exc}）", file, file=file)]
        ) from None
    problems = validate(_mark(doc), file)
    if problems:
        raise AtlasError(problems)
    return clean(doc)


def to_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(clean(doc), ensure_ascii=False, indent=2).encode("utf-8")


# -- Excel --------------------------------------------------------------------------------------------


def to_xlsx(doc: dict[str, Any]) -> bytes:
    def joined(values: list[str] | None) -> str:
        return SEP.join(values or [])

    rows: dict[str, list[dict[str, Any]]] = {
        "说明": [{"key": header, "value": _text(doc.get(key))} for key, header in ABOUT],
        "集群": [{**c, "aliases": joined(c.get("aliases"))} for c in doc["clusters"]],
        "产业链": [],
        "节点": [],
        "供应关系": [],
        "关键环节": [],
    }
    for ch in doc["chains"]:
        rows["产业链"].append({**ch, "aliases": joined(ch.get("aliases"))})
        for n in ch["nodes"]:
            rows["节点"].append(
                n
                | {
                    "chain": ch["code"],
                    "stage": STAGE_LABELS[n["stage"]],
                    "parent": n.get("parent") or "",
                    "industry_codes": joined(n.get("industry_codes")),
                    "keywords": joined(n.get("keywords")),
                }
            )
            rows["关键环节"].extend(
                item
                | {
                    "node": n["code"],
                    "kind": KIND_LABELS[item["kind"]],
                    "chokepoint": "是" if item["chokepoint"] else "否",
                    "supply": SUPPLY_LABELS[item["supply"]],
                }
                for item in n.get("items") or []
            )
        rows["供应关系"].extend({"chain": ch["code"], **e} for e in ch.get("edges") or [])
    return write_book(BOOK, rows)


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[|｜;；,，、]", text) if p.strip()]


def _labels(labels: dict[str, str]) -> dict[str, str]:
    """Accept a label in either language or its key: {label: key} | {key: key}."""
    return {v: k for k, v in labels.items()} | {k: k for k in labels}


def _orphan(file: str, rec: dict[str, Any], field: str, value: str, expected: str) -> Problem:
    return Problem(
        field,
        f"{_where(file, rec[AT])}「{field}」：值“{value}”，应为{expected}",
        value,
        row=rec[AT][1],
        file=file,
    )


def _chains_from(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    chains: dict[str, dict[str, Any]] = {}
    for c in rows:
        chains.setdefault(
            c["code"],
            {
                AT: c[AT],
                "code": c["code"],
                "name": c["name"],
                "name_en": c["name_en"],
                "cluster": c["cluster"],
                "aliases": _split(c["aliases"]),
                "nodes": [],
                "edges": [],
            },
        )
    return chains


def _add_nodes(
    file: str, rows: list[dict[str, Any]], chains: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[Problem]]:
    stages = _labels(STAGE_LABELS)
    nodes: dict[str, dict[str, Any]] = {}
    problems = []
    for n in rows:
        chain = chains.get(n["chain"])
        if chain is None:
            problems.append(_orphan(file, n, "产业链编号", n["chain"], "“产业链”工作表中的产业链编号"))
            continue
        node = {
            AT: n[AT],
            "code": n["code"],
            "name": n["name"],
            "name_en": n["name_en"],
            "stage": stages.get(n["stage"], n["stage"]),
            "parent": n["parent"] or None,
            "industry_codes": _split(n["industry_codes"]),
            "keywords": _split(n["keywords"]),
            "items": [],
        }
        chain["nodes"].append(node)
        nodes.setdefault(n["code"], node)
    return nodes, problems


def _weight(text: str) -> Any:
    """A number when it reads as one; otherwise the text, for validate() to name."""
    try:
        return float(text)
    except ValueError:
        return text


def _add_edges(file: str, rows: list[dict[str, Any]], chains: dict[str, dict[str, Any]]) -> list[Problem]:
    problems = []
    for e in rows:
        chain = chains.get(e["chain"])
        if chain is None:
            problems.append(_orphan(file, e, "产业链编号", e["chain"], "“产业链”工作表中的产业链编号"))
            continue
        chain["edges"].append({AT: e[AT], "from": e["from"], "to": e["to"], "weight": _weight(e["weight"])})
    return problems


_CHOKE = {"是": True, "否": False, "true": True, "false": False}


def _add_items(file: str, rows: list[dict[str, Any]], nodes: dict[str, Any]) -> list[Problem]:
    kinds, supplies = _labels(KIND_LABELS), _labels(SUPPLY_LABELS)
    problems = []
    for i in rows:
        node = nodes.get(i["node"])
        if node is None:
            problems.append(_orphan(file, i, "节点编号", i["node"], "“节点”工作表中的节点编号"))
            continue
        node["items"].append(
            {
                AT: i[AT],
                "kind": kinds.get(i["kind"], i["kind"]),
                "name": i["name"],
                "chokepoint": _CHOKE.get(i["chokepoint"].lower(), i["chokepoint"]),
                "supply": supplies.get(i["supply"], i["supply"]),
            }
        )
    return problems


def from_xlsx(content: bytes, file: str) -> dict[str, Any]:
    """Read the workbook into the document form, validate it whole, and return it (or raise AtlasError)."""
    parsed = read_book(BOOK, content, file, AtlasError)
    sheets = {name: [{**r.values, AT: (r.sheet, r.row)} for r in rows] for name, rows in parsed.rows.items()}
    about = {r["key"]: r["value"] for r in sheets["说明"]}
    doc: dict[str, Any] = {key: about.get(header, "") for key, header in ABOUT}
    doc[AT] = "说明"
    doc["clusters"] = [
        {
            AT: c[AT],
            "code": c["code"],
            "name": c["name"],
            "name_en": c["name_en"],
            "aliases": _split(c["aliases"]),
        }
        for c in sheets["集群"]
    ]
    chains = _chains_from(sheets["产业链"])
    nodes, problems = _add_nodes(file, sheets["节点"], chains)
    problems += _add_edges(file, sheets["供应关系"], chains)
    problems += _add_items(file, sheets["关键环节"], nodes)
    doc["chains"] = list(chains.values())
    problems.extend(validate(doc, file))
    if problems:
        raise AtlasError(problems)
    return clean(doc)


def read_document(content: bytes, file: str) -> dict[str, Any]:
    """JSON or xlsx by the file name."""
    lower = file.lower()
    if lower.endswith(".json"):
        return from_json(content, file)
    if lower.endswith((".xlsx", ".xlsm")):
        return from_xlsx(content, file)
    raise AtlasError([Problem("文件", f"{file}：不支持的文件类型，请上传 .json 或 .xlsx", file, file=file)])
