"""Enumerations that carry their Chinese and English labels (one place for every label)."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members have a Chinese label (``zh``) and an English label (``en``)."""

    zh: str
    en: str

    def __new__(cls, value: str, zh: str = "", en: str = "") -> LabelledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh or value
        obj.en = en or value
        return obj

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def labels(cls, lang: str = "zh") -> dict[str, str]:
        """{value: label} in declaration order, for templates, exports and Polars ``replace``."""
        return {m.value: m.label(lang) for m in cls}


class Role(LabelledEnum):
    admin = "admin", "市科技局管理员", "City bureau admin"
    district = "district", "区县/园区操作员", "District operator"
    enterprise = "enterprise", "企业用户", "Enterprise user"
    expert = "expert", "专家", "Expert"
    viewer = "viewer", "只读用户", "Viewer"


class RegionKind(LabelledEnum):
    city = "city", "市", "City"
    district = "district", "区", "District"
    county = "county", "县", "County"
    county_city = "county_city", "县级市", "County-level city"
    zone = "zone", "功能区", "Functional zone"


class AuditAction(LabelledEnum):
    create = "create", "新增", "Create"
    update = "update", "修改", "Update"
    delete = "delete", "删除", "Delete"
    login = "login", "登录", "Log in"
    logout = "logout", "退出", "Log out"
    import_ = "import", "导入", "Import"


class SizeClass(LabelledEnum):
    large = "large", "大型", "Large"
    medium = "medium", "中型", "Medium"
    small = "small", "小型", "Small"
    micro = "micro", "微型", "Micro"


class TitleType(LabelledEnum):
    tech_sme = "tech_sme", "科技型中小企业", "Tech SME"
    hnte = "hnte", "高新技术企业", "High and new technology enterprise"
    innovative_sme = "innovative_sme", "创新型中小企业", "Innovative SME"
    specialized_sme = "specialized_sme", "专精特新中小企业", "Specialised SME"
    little_giant = "little_giant", "专精特新“小巨人”企业", "Little giant"
    gazelle = "gazelle", "瞪羚企业", "Gazelle"
    potential_unicorn = "potential_unicorn", "潜在独角兽企业", "Potential unicorn"
    unicorn = "unicorn", "独角兽企业", "Unicorn"
    provincial_rd_institution = "provincial_rd_institution", "省级研发机构", "Provincial R&D institution"
    tech_innovation_demo = (
        "tech_innovation_demo",
        "技术创新示范企业",
        "Technology innovation demonstration enterprise",
    )
    ip_advantage = "ip_advantage", "知识产权优势企业", "IP advantage enterprise"


class TitleLevel(LabelledEnum):
    national = "national", "国家级", "National"
    provincial = "provincial", "省级", "Provincial"
    municipal = "municipal", "市级", "Municipal"
    district = "district", "区县级", "District"


class IPKind(LabelledEnum):
    """Kinds of IP; the class (Ⅰ / Ⅱ) follows the HNTE work guide (工作指引)."""

    invention = "invention", "发明专利", "Invention patent"
    plant_variety = "plant_variety", "植物新品种", "Plant variety"
    new_drug = "new_drug", "国家新药", "National new drug"
    ic_layout = "ic_layout", "集成电路布图设计", "IC layout design"
    utility_model = "utility_model", "实用新型专利", "Utility model"
    design = "design", "外观设计专利", "Design patent"
    software = "software", "软件著作权", "Software copyright"

    @property
    def ip_class(self) -> str:
        return "I" if self in CLASS_I_KINDS else "II"


CLASS_I_KINDS = frozenset({IPKind.invention, IPKind.plant_variety, IPKind.new_drug, IPKind.ic_layout})


class Light(LabelledEnum):
    """A traffic light (红绿黄灯监测). ``severity`` orders them (grey, "not judged yet", is the mildest);
    ``colour`` is the one hex colour every template, CSS variable, chart and export uses."""

    grey = "grey", "灰灯", "Grey"
    green = "green", "绿灯", "Green"
    yellow = "yellow", "黄灯", "Yellow"
    red = "red", "红灯", "Red"

    @property
    def severity(self) -> int:
        return list(Light).index(self)

    @property
    def colour(self) -> str:
        return LIGHT_COLOURS[self]

    @classmethod
    def worst(cls, lights: list[Light]) -> Light:
        return max(lights, key=lambda light: light.severity, default=cls.grey)

    @property
    def tint(self) -> str:
        """The pale fill for a cell that carries this light (Excel exports)."""
        return LIGHT_TINTS[self]

    @classmethod
    def severities(cls) -> dict[str, int]:
        return {m.value: m.severity for m in cls}


LIGHT_COLOURS = {Light.grey: "#98a2b3", Light.green: "#2e7d32", Light.yellow: "#f9a825", Light.red: "#b3261e"}
LIGHT_TINTS = {Light.grey: "#EEEEEE", Light.green: "#D7F0DB", Light.yellow: "#FFF1C2", Light.red: "#F9D3D0"}


class Coverage(LabelledEnum):
    """A chain's coverage light (覆盖度): the share of its nodes with a local enterprise; coloured as a Light."""

    green = "green", "覆盖较全", "Well covered"
    yellow = "yellow", "部分覆盖", "Partly covered"
    red = "red", "覆盖不足", "Poorly covered"

    @property
    def colour(self) -> str:
        return Light(self.value).colour


class Level(LabelledEnum):
    """A chain node's local strength (强 / 有 / 弱 / 缺), strongest first."""

    strong = "strong", "强", "Strong"
    present = "present", "有", "Present"
    weak = "weak", "弱", "Weak"
    missing = "missing", "缺", "Missing"

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[self]


LEVEL_COLOURS = {
    Level.strong: "#1b5e20",
    Level.present: "#43a047",
    Level.weak: "#f9a825",
    Level.missing: "#e0e0e0",
}


class Stage(LabelledEnum):
    """Where a node sits on its chain."""

    upstream = "upstream", "上游", "Upstream"
    midstream = "midstream", "中游", "Midstream"
    downstream = "downstream", "下游", "Downstream"


class LinkRole(LabelledEnum):
    """An enterprise's role on a chain node."""

    leader = "leader", "链主", "Chain leader"
    key_supporting = "key_supporting", "重点配套", "Key supplier"
    member = "member", "成员", "Member"


class ItemKind(LabelledEnum):
    """What a chain's key item is."""

    technology = "technology", "关键核心技术", "Key core technology"
    material = "material", "先进材料", "Advanced material"
    process = "process", "关键工艺", "Key process"
    pain_point = "pain_point", "痛点", "Pain point"


class GrowthStage(LabelledEnum):
    """An enterprise's growth stage in the innovation points methodology (企业创新积分)."""

    startup = "startup", "初创期", "Start-up"
    growth = "growth", "成长期", "Growth"
    mature = "mature", "稳定期", "Mature"


class SupplyKind(LabelledEnum):
    """Where a key item is sourced from."""

    local = "local", "本地", "Local"
    domestic = "domestic", "国内", "Domestic"
    imported = "imported", "进口", "Imported"


class DemandStatus(LabelledEnum):
    """A technology demand's state, from collection to its outcome."""

    collected = "collected", "征集", "Collected"
    accepted = "accepted", "已受理", "Accepted"
    matched = "matched", "已对接", "Matched"
    signed = "signed", "已签约", "Signed"
    solved = "solved", "已解决", "Solved"
    unsolved = "unsolved", "未解决", "Unsolved"
    withdrawn = "withdrawn", "撤回", "Withdrawn"


class Confidentiality(LabelledEnum):
    public = "public", "公开", "Public"
    bureau = "bureau", "仅科技局可见", "Bureau only"


class CapabilityKind(LabelledEnum):
    expert = "expert", "专家", "Expert"
    team = "team", "科研团队", "Research team"
    university = "university", "高校", "University"
    institute = "institute", "科研院所", "Institute"
    enterprise = "enterprise", "企业", "Enterprise"


class ChallengeStatus(LabelledEnum):
    """A challenge list's (榜单) stage, from draft to the award."""

    draft = "draft", "草稿", "Draft"
    published = "published", "揭榜申报", "Open for bids"
    screening = "screening", "形式审查", "Eligibility screening"
    reviewing = "reviewing", "专家评审", "Expert review"
    publicity = "publicity", "公示", "Public notice"
    awarded = "awarded", "已立项", "Awarded"
    cancelled = "cancelled", "撤榜", "Cancelled"


class BidStatus(LabelledEnum):
    """A bid's (揭榜申报) state."""

    submitted = "submitted", "已申报", "Submitted"
    eligible = "eligible", "形式审查通过", "Eligible"
    ineligible = "ineligible", "形式审查未通过", "Ineligible"
    awarded = "awarded", "揭榜成功", "Awarded"
    not_awarded = "not_awarded", "未中榜", "Not awarded"
    withdrawn = "withdrawn", "撤回", "Withdrawn"


class CarrierKind(LabelledEnum):
    """Kinds of 科创载体 (carrier)."""

    incubator = "incubator", "科技企业孵化器", "Tech business incubator"
    maker_space = "maker_space", "众创空间", "Maker space"
    accelerator = "accelerator", "加速器", "Accelerator"
    university_park = "university_park", "大学科技园", "University science park"
    engineering_centre = "engineering_centre", "工程技术研究中心", "Engineering technology research centre"
    enterprise_centre = "enterprise_centre", "企业技术中心", "Enterprise technology centre"
    key_lab = "key_lab", "重点实验室", "Key laboratory"
    new_rd_institution = "new_rd_institution", "新型研发机构", "New R&D institution"
    service_platform = "service_platform", "公共技术服务平台", "Public technology service platform"
    science_park = "science_park", "科技产业园区（综合体）", "Science park / tech industry complex"


class CarrierLevel(LabelledEnum):
    national = "national", "国家级", "National"
    provincial = "provincial", "省级", "Provincial"
    municipal = "municipal", "市级", "Municipal"


class TenantStatus(LabelledEnum):
    """A tenant's (在孵企业) state in its carrier."""

    incubating = "incubating", "在孵", "In incubation"
    graduated = "graduated", "已毕业", "Graduated"
    left = "left", "已迁出", "Left"


class TalentProgramme(LabelledEnum):
    """Talent programmes (人才计划); the level is the programme's."""

    national_major = "national_major", "国家重大人才工程", "National major talent programme"
    jiangsu_innovation = (
        "jiangsu_innovation",
        "省“双创计划”",
        "Jiangsu innovation and entrepreneurship programme",
    )
    tech_vice_president = "tech_vice_president", "省“科技副总”", "Jiangsu technology vice-president"
    lvyang_jinfeng = "lvyang_jinfeng", "扬州“绿扬金凤计划”", "Yangzhou Lvyang Jinfeng programme"
    doctor = "doctor", "博士引进", "Doctoral introduction"


PROGRAMME_LEVELS = {
    TalentProgramme.national_major: CarrierLevel.national,
    TalentProgramme.jiangsu_innovation: CarrierLevel.provincial,
    TalentProgramme.tech_vice_president: CarrierLevel.provincial,
    TalentProgramme.lvyang_jinfeng: CarrierLevel.municipal,
    TalentProgramme.doctor: CarrierLevel.municipal,
}


class TalentStatus(LabelledEnum):
    active = "active", "在岗", "Active"
    completed = "completed", "期满", "Term completed"
    left = "left", "已离开", "Left"
