"""`kechuang atlas load|export|snapshot`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.errors import KechuangError
from kechuang.settings import Settings


def load_atlas(session: Any, path: Any) -> str:
    from kechuang.auth.scope import SYSTEM
    from kechuang.chains.service import load_file

    session.info["actor"] = SYSTEM
    r = load_file(session, actor=SYSTEM, path=path)
    return (
        f"新增 created {r.created}, 修改 updated {r.updated}, 删除 deleted {r.deleted}, "
        f"未变 unchanged {r.unchanged}"
    )


def cmd_atlas_load(args: argparse.Namespace, settings: Settings) -> int:

    from kechuang.chains.service import BUILTIN
    from kechuang.db import transaction

    path = Path(args.file) if args.file else BUILTIN
    if not path.is_file():
        raise KechuangError(f"无法读取文件 {path}：文件不存在")
    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        summary = load_atlas(session, path)
    print(f"产业科创图谱已载入 atlas loaded from {path.name}: {summary}")
    return 0


def cmd_atlas_export(args: argparse.Namespace, settings: Settings) -> int:

    from kechuang.chains.document import to_json, to_xlsx
    from kechuang.chains.service import export_document
    from kechuang.db import transaction

    out = Path(args.out)
    if out.suffix.lower() not in (".json", ".xlsx"):
        raise KechuangError(f"{out.name}：请以 .json 或 .xlsx 结尾 (expected a .json or .xlsx file name)")
    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        doc = export_document(session)
    out.write_bytes(to_json(doc) if out.suffix.lower() == ".json" else to_xlsx(doc))
    nodes = sum(len(c["nodes"]) for c in doc["chains"])
    print(f"已导出 exported {len(doc['chains'])} 条产业链 chains, {nodes} 个节点 nodes → {out}")
    return 0


def cmd_atlas_snapshot(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.chains.service import take_snapshot
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        snap = take_snapshot(session, actor=SYSTEM, year=args.year)
        chains = len(snap.content["chains"])
    print(f"{args.year} 年图谱快照已保存 snapshot saved: {chains} 条产业链 chains")
    return 0


def register(sub: Any) -> None:
    atl = sub.add_parser("atlas", help="the industry-chain atlas: load, export, snapshot")
    atlsub = atl.add_subparsers(dest="atlas_command", required=True, metavar="COMMAND")
    al = atlsub.add_parser(
        "load",
        help="load an atlas file (.json or .xlsx); without FILE, the built-in Yangzhou 613 atlas",
        description="Make the stored atlas (clusters, chains, nodes, supply edges, key items) equal to the file: "
        "entries are matched by code, new ones added, changed ones updated, missing ones removed. The "
        "whole file is checked first; any problem (listed all at once) leaves the atlas unchanged. A "
        "node that still has links cannot be removed.",
    )
    al.add_argument(
        "file", nargs="?", help="the .json or .xlsx file (default: the built-in Yangzhou 613 atlas)"
    )
    al.set_defaults(func=cmd_atlas_load)
    ae = atlsub.add_parser(
        "export", help="write the stored atlas to a .json or .xlsx file (loads back unchanged)"
    )
    ae.add_argument("out", help="the .json or .xlsx file to write")
    ae.set_defaults(func=cmd_atlas_export)
    asn = atlsub.add_parser(
        "snapshot",
        help="save the atlas and its analysis as the snapshot of a year",
        description="Store the structure, every chain's and node's figures and the 补链 / "
        "chokepoint / 延链 lists as they stand today as the year's snapshot "
        "(replacing an earlier one of the same year).",
    )
    asn.add_argument("--year", type=int, required=True, help="the year the snapshot stands for")
    asn.set_defaults(func=cmd_atlas_snapshot)
