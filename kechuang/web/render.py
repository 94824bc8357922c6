"""Server-rendered pages: one Jinja environment with the translation layer and number formats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kechuang import provenance, units
from kechuang.auth.policy import Actor, Permission, allowed
from kechuang.choices import Level, Light, LinkRole, Stage, SupplyKind
from kechuang.rules.labels import route_label
from kechuang.web.context import CSRF_FIELD, LANG_COOKIE
from kechuang.web.i18n import HTML_LANG, pick_language, translate

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
env = TEMPLATES.env
env.filters["yuan"] = units.format_yuan
env.filters["cn_number"] = units.format_cn_number
env.filters["percent"] = units.format_percent
env.filters["count"] = units.format_count
env.filters["route"] = route_label
# the labelled value types, so templates read labels from kechuang.choices and nowhere else
env.globals.update(
    describe=provenance.describe,
    Light=Light,
    LinkRole=LinkRole,
    Stage=Stage,
    SupplyKind=SupplyKind,
    Level=Level,
)


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    permission: Permission | None = None  # None: every logged-in role

    def visible_to(self, actor: Actor) -> bool:
        return self.permission is None or allowed(actor, self.permission)


P = Permission
# The navigation for the capabilities that exist; a feature adds its entry here, naming the permission
# (kechuang/auth/policy.py) that decides who sees it.
NAV: list[NavItem] = [
    NavItem("/", "首页"),
    NavItem("/enterprises", "企业库", P.see_registry),
    NavItem("/my-enterprise", "本企业", P.see_own_enterprise),
    NavItem("/atlas", "产业图谱", P.see_atlas),
    NavItem("/projects", "项目监测", P.see_projects),
    NavItem("/targets", "目标考核", P.see_targets),
    NavItem("/demands", "需求对接", P.see_demands),
    NavItem("/challenges", "揭榜挂帅", P.see_challenges),
    NavItem("/carriers", "载体人才", P.see_carriers),
    NavItem("/maps", "科创地图", P.see_atlas),
    NavItem("/documents", "资讯抽取", P.see_documents),
    NavItem("/ladder", "梯度培育", P.see_ladder),
    NavItem("/points", "创新积分", P.see_points),
    NavItem("/imports", "数据导入", P.import_data),
    NavItem("/regions", "地区"),
    NavItem("/admin/users", "用户管理", P.manage_users),
    NavItem("/admin/audit", "审计日志", P.see_audit),
    NavItem("/admin/jobs", "后台任务", P.run_jobs),
    NavItem("/api/docs", "API 文档"),
]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = pick_language(request.cookies.get(LANG_COOKIE))
    actor: Actor | None = getattr(request.state, "actor", None)
    nav = [item for item in NAV if actor is not None and item.visible_to(actor)]
    base = {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "_": lambda text: translate(text, lang),
        "actor": actor,
        # a template asks the policy, never the role: {% if can('edit_links') %}
        "can": lambda permission: actor is not None and allowed(actor, Permission(permission)),
        "nav": nav,
        "csrf_field": CSRF_FIELD,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "path": request.url.path,
        "demo": getattr(request.state, "demo", False),
    }
    base.update(context)
    return TEMPLATES.TemplateResponse(request, template, base, status_code=status_code)
