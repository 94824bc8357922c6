"""`kechuang user add|list|set-password`."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.errors import KechuangError
from kechuang.settings import Settings


def _password_arg(args: argparse.Namespace) -> str:
    if args.password:
        return args.password
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再输入一次 again: ") != first:
        raise KechuangError("两次输入的密码不一致 / the passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.auth.service import UserInput, create_user
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        user = create_user(
            session,
            actor=SYSTEM,
            data=UserInput(
                username=args.username,
                password=_password_arg(args),
                role=args.role,
                display_name=args.name or "",
                region_code=args.region,
                enterprise_uscc=args.enterprise,
            ),
        )
        print(f"已创建用户 created: {user.username} ({user.role})")
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.auth.service import list_users
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        for u in list_users(session, actor=SYSTEM):
            state = "active" if u.is_active else "disabled"
            print(f"{u.username:<20} {u.role:<10} {u.region_code or '-':<10} {state:<8} {u.display_name}")
    return 0


def cmd_user_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.auth.service import set_password
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        set_password(session, actor=SYSTEM, username=args.username, password=_password_arg(args))
    print(f"已修改密码 password changed: {args.username}")
    return 0


def register(sub: Any) -> None:
    user = sub.add_parser(
        "user", help="user accounts: add, list, set-password", description="Manage user accounts."
    )
    usub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = usub.add_parser(
        "add",
        help="create an account",
        description="Create an account. Without --password "
        "the password is asked for (or read from standard input).",
    )
    add.add_argument("username", help="login name")
    add.add_argument(
        "--role",
        required=True,
        choices=["admin", "district", "enterprise", "expert", "viewer"],
        help="admin: city bureau; district: one region and all under it; enterprise: one enterprise; "
        "expert; viewer: read-only",
    )
    add.add_argument("--region", help="region code for a district operator, e.g. 321003")
    add.add_argument(
        "--enterprise", help="unified social credit code of the enterprise, for an enterprise user"
    )
    add.add_argument("--name", help="display name")
    add.add_argument("--password", help="the password (avoid: it lands in your shell history)")
    add.set_defaults(func=cmd_user_add)
    ls = usub.add_parser(
        "list",
        help="list accounts",
        description="List every account with its role, region and whether it is active.",
    )
    ls.set_defaults(func=cmd_user_list)
    sp = usub.add_parser(
        "set-password",
        help="set an account's password",
        description="Set an account's password; its open sessions and tokens stop working.",
    )
    sp.add_argument("username", help="login name")
    sp.add_argument("--password", help="the new password (otherwise asked for)")
    sp.set_defaults(func=cmd_user_set_password)
