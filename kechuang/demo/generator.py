"""A synthetic (fictional) demo city modelled on Yangzhou: enterprises, yearly figures, titles and IP.

Pure numpy + polars, vectorised (no Python loop per enterprise or per row) and deterministic: the same
``(n_enterprises, seed, last_year)`` always gives identical frames. Every company, code and number is
invented; the distributions are shaped after the real rules so the demo exercises the rule engine:

- operating revenue is log-normal (median ≈ 2,500万元, a long tail to tens of 亿), growing ≈ 8 % a year
  with noise; staff follow revenue (≈ 50–150万元 per head);
- the R&D ratio (R&D / sales) is a mixture: ≈ 35 % of firms sit within ±1.5 percentage points of the
  HNTE threshold of their band (3 % above 2亿 sales, 4 % for 5,000万–2亿, 5 % up to 5,000万), a little
  more often just above than just below; the rest are log-normal around 1–2 %;
- titles go mostly to firms whose figures make them plausible.

Titles are granted in the year after the fiscal year whose figures support them (the tech-SME
evaluation of 2026 reads the 2025 accounts), so with figures up to ``last_year`` the newest grants are
of ``last_year + 1`` — the demo looks current in the year after ``last_year``. Validity conventions of
the generated titles (``valid_until``):

- ``hnte``: 3 tax years, i.e. Dec 31 of ``year_granted + 2`` (so "valid at the end of last_year" means
  ``year_granted >= last_year - 1``); certificate numbers look like Jiangsu's, ``GR{year}320#####``.
- ``innovative_sme``, ``specialized_sme``, ``little_giant``: 3 years, Dec 31 of ``year_granted + 2``.
- ``tech_sme``, ``gazelle``, ``potential_unicorn``, ``unicorn``: yearly lists, Dec 31 of ``year_granted``;
  tech-SME registration numbers are a demo format ``{year}{6-digit admin code}{6 digits}``.
- ``provincial_rd_institution``: no fixed expiry (null).

Title counts (valid at the end of ``last_year + 1``) for the default 12,000 enterprises, scaled linearly
with ``n_enterprises``: hnte ≈ 1,800 (plus expired earlier grants), tech_sme 3,000 granted in ``last_year + 1``
(plus the two years before), innovative_sme 1,200, specialized_sme 500, little_giant 40, gazelle 100,
potential_unicorn 8, unicorn 1, provincial_rd_institution 350.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from kechuang.choices import IPKind, TitleLevel, TitleType
from kechuang.enterprises.uscc import CHARSET, WEIGHTS

__all__ = ["DemoCity", "FIGURE_COLUMNS", "INDUSTRIES", "REGIONS", "generate"]


@dataclass(frozen=True)
class DemoCity:
    enterprises: pl.DataFrame
    figures: pl.DataFrame
    titles: pl.DataFrame
    ip: pl.DataFrame


FIGURE_COLUMNS = (
    "employees",
    "tech_staff",
    "rd_staff",
    "sales_revenue",
    "operating_revenue",
    "main_business_revenue",
    "rd_expense",
    "rd_expense_domestic",
    "high_tech_revenue",
    "total_cost",
    "total_income",
    "total_assets",
    "total_liabilities",
    "profit",
    "tax_paid",
    "exports",
    "tech_contract_turnover",
)
_NEVER_NULL = frozenset({"employees", "operating_revenue"})
# Share of cells left empty per column (scaled up for older years); about 1.5 % overall.
_NULL_RATE = {c: 0.012 for c in FIGURE_COLUMNS if c not in _NEVER_NULL} | {
    "exports": 0.03,
    "tech_contract_turnover": 0.03,
    "tax_paid": 0.02,
    "rd_expense_domestic": 0.02,
    "rd_staff": 0.02,
}

# Regions (the 10 below the city): code, share of enterprises, place word used in names,
# address prefix (the host district for zones), multipliers on the industry-cluster mix.
# fmt: off
_MANUFACTURING = ("equipment", "pv", "storage", "grid", "materials", "auto", "ship", "traditional")
REGIONS: tuple[tuple[str, float, str, str, dict[str, float]], ...] = (
    ("321003", 0.200, "邗江", "邗江区", {"equipment": 1.5, "auto": 1.2, "software": 1.2, "traditional": 1.2}),
    (
        "32100302",
        0.080,
        "邗江",
        "邗江区",
        {"ic": 3, "software": 3, "biomed": 2.5, "medical": 2, "rd": 2.5, "aviation": 2, "electronics": 1.5}
        | {"traditional": 0.3, "food": 0.3},
    ),
    (
        "32100301",
        0.080,
        "邗江",
        "邗江区",
        {"pv": 3, "storage": 2.5, "hydrogen": 2, "electronics": 2, "ic": 1.5, "auto": 1.5, "traditional": 0.5},
    ),
    ("32100303", 0.015, "邗江", "邗江区", {"software": 4, "rd": 3, "food": 2} | dict.fromkeys(_MANUFACTURING, 0.2)),
    ("321012", 0.170, "江都", "江都区", {"ship": 3, "aviation": 2.5, "equipment": 1.8, "grid": 2, "materials": 1.2}),
    ("321002", 0.110, "广陵", "广陵区", {"equipment": 1.5, "auto": 1.3, "aviation": 1.5, "grid": 1.5, "software": 1.2}),
    ("32100201", 0.045, "广陵", "广陵区", {"software": 4, "rd": 3, "aviation": 1.5, "traditional": 0.3}),
    ("321081", 0.110, "仪征", "仪征市", {"auto": 4, "materials": 2, "ship": 1.5, "hydrogen": 1.5}),
    ("321084", 0.100, "高邮", "高邮市", {"grid": 2, "pv": 2, "storage": 1.5, "food": 2, "equipment": 1.2}),
    ("321023", 0.090, "宝应", "宝应县", {"grid": 2.5, "food": 2.5, "pv": 1.5, "traditional": 1.5, "ship": 0.5}),
)

# GB/T 4754-2017 classes: code, cluster, weight, tech propensity (0–1), log revenue offset,
# log revenue-per-head offset, export probability, name words, short word (for aliases).
INDUSTRIES: tuple[tuple[str, str, float, float, float, float, float, tuple[str, ...], str], ...] = (
    ("C3421", "equipment", 2.0, 0.50, 0.0, 0.0, 0.25, ("智能装备", "数控机床", "精密机械"), "装备"),
    ("C3491", "equipment", 1.5, 0.75, 0.0, 0.0, 0.20, ("机器人", "智能装备", "自动化科技"), "智能"),
    ("C3441", "equipment", 1.5, 0.40, 0.0, 0.0, 0.25, ("泵业", "流体设备", "机械"), "泵业"),
    ("C3443", "equipment", 1.5, 0.40, 0.0, 0.0, 0.25, ("阀门", "流体控制"), "阀门"),
    ("C3591", "equipment", 1.5, 0.50, 0.0, 0.0, 0.10, ("环保科技", "环境设备", "环保装备"), "环保"),
    ("C4011", "equipment", 1.2, 0.65, -0.2, -0.1, 0.10, ("自动化", "智能控制", "仪表"), "智控"),
    ("C3825", "pv", 2.5, 0.55, 0.5, 0.1, 0.50, ("光伏科技", "新能源科技", "光电科技"), "光伏"),
    ("C3841", "storage", 1.5, 0.60, 0.3, 0.1, 0.35, ("储能科技", "新能源科技", "电池"), "储能"),
    ("C3849", "hydrogen", 0.8, 0.70, 0.0, 0.0, 0.15, ("氢能科技", "燃料电池", "新能源"), "氢能"),
    ("C3821", "grid", 1.5, 0.50, 0.0, 0.0, 0.20, ("电气", "电力设备", "变压器"), "电气"),
    ("C3823", "grid", 1.5, 0.50, 0.0, 0.0, 0.15, ("电气", "智能电网科技", "电力科技"), "电气"),
    ("C2651", "materials", 1.2, 0.45, 0.4, 0.3, 0.20, ("新材料", "高分子材料", "化工新材料"), "新材"),
    ("C2662", "materials", 1.2, 0.45, 0.1, 0.2, 0.20, ("新材料", "化学科技", "精细化工"), "新材"),
    ("C3091", "materials", 0.6, 0.45, 0.0, 0.1, 0.20, ("碳材料", "新材料"), "碳材"),
    ("C3985", "materials", 0.8, 0.60, 0.0, 0.1, 0.25, ("电子材料", "新材料"), "电材"),
    ("C2614", "traditional", 0.8, 0.30, 0.5, 0.4, 0.20, ("化工", "化学"), "化工"),
    ("C3130", "traditional", 0.5, 0.20, 0.8, 0.5, 0.15, ("特钢", "钢铁", "金属制品"), "钢铁"),
    ("C3973", "ic", 0.5, 0.85, 0.3, 0.0, 0.30, ("半导体", "集成电路", "微电子"), "半导体"),
    ("C3972", "ic", 0.9, 0.80, 0.2, 0.0, 0.40, ("半导体", "微电子", "芯片科技"), "半导体"),
    ("C3562", "ic", 0.5, 0.80, 0.0, 0.0, 0.20, ("半导体设备", "精密装备"), "半导体"),
    ("I6520", "ic", 0.4, 0.90, -0.5, -0.4, 0.10, ("集成电路设计", "芯片科技", "微电子"), "芯片"),
    ("C3982", "electronics", 1.2, 0.50, 0.0, 0.0, 0.35, ("电子科技", "电路科技"), "电子"),
    ("C3983", "electronics", 0.8, 0.70, 0.0, 0.0, 0.25, ("传感科技", "电子科技", "智能传感"), "传感"),
    ("C3976", "electronics", 0.8, 0.60, 0.0, 0.0, 0.30, ("光电科技", "电子科技"), "光电"),
    ("C3670", "auto", 3.0, 0.40, 0.2, 0.1, 0.25, ("汽车零部件", "汽车部件", "汽配科技"), "汽配"),
    ("C3612", "auto", 0.15, 0.60, 2.0, 0.3, 0.15, ("新能源汽车", "汽车"), "汽车"),
    ("C3660", "auto", 0.6, 0.30, 0.2, 0.1, 0.15, ("车身科技", "专用车辆"), "车辆"),
    ("C3731", "ship", 0.5, 0.30, 1.5, 0.4, 0.70, ("船舶", "造船", "船舶重工"), "船舶"),
    ("C3734", "ship", 1.2, 0.40, 0.0, 0.0, 0.40, ("船舶配套", "船用设备"), "船配"),
    ("C3737", "ship", 0.4, 0.55, 0.8, 0.2, 0.40, ("海洋工程", "海工装备"), "海工"),
    ("C3744", "aviation", 0.6, 0.75, 0.0, 0.0, 0.15, ("航空科技", "航空装备"), "航空"),
    ("C3741", "aviation", 0.08, 0.80, 1.0, 0.2, 0.10, ("航空工业", "通用航空"), "航空"),
    ("C2720", "biomed", 0.7, 0.70, 0.3, 0.2, 0.20, ("药业", "制药", "生物医药"), "药业"),
    ("C2761", "biomed", 0.5, 0.85, 0.0, 0.1, 0.15, ("生物医药", "生物科技", "生物制药"), "生物"),
    ("M7340", "biomed", 0.3, 0.90, -0.7, -0.5, 0.05, ("医药科技", "生物技术"), "医药"),
    ("C3581", "medical", 0.8, 0.70, 0.0, 0.0, 0.25, ("医疗器械", "医疗科技"), "医疗"),
    ("C1432", "food", 0.8, 0.10, 0.0, -0.1, 0.10, ("食品", "速冻食品"), "食品"),
    ("C1462", "food", 0.5, 0.10, 0.0, 0.0, 0.05, ("调味品", "酿造食品", "食品"), "调味"),
    ("C1495", "food", 0.4, 0.40, 0.0, 0.1, 0.15, ("食品科技", "营养科技", "生物科技"), "食品"),
    ("I6513", "software", 2.5, 0.85, -0.6, -0.5, 0.05, ("软件", "信息技术", "网络科技", "人工智能"), "软件"),
    ("I6531", "software", 1.5, 0.75, -0.4, -0.3, 0.03, ("信息技术", "智能科技", "系统集成"), "信息"),
    ("I6532", "software", 0.8, 0.80, -0.6, -0.4, 0.03, ("物联网科技", "智能科技"), "物联"),
    ("M7320", "rd", 1.2, 0.90, -0.7, -0.5, 0.03, ("科技发展", "工程技术", "技术研究院"), "科技"),
    ("M7452", "rd", 0.6, 0.40, -0.7, -0.5, 0.02, ("检测技术", "检测科技"), "检测"),
    ("C3311", "traditional", 1.5, 0.15, 0.2, 0.1, 0.10, ("钢结构", "金属结构", "重工"), "钢构"),
    ("C2927", "traditional", 1.0, 0.10, -0.2, -0.2, 0.30, ("日用品", "塑业", "旅游用品"), "日化"),
    ("C3021", "traditional", 0.6, 0.10, 0.0, 0.0, 0.02, ("建材", "新型建材"), "建材"),
)
# fmt: on

# Invented two-character brands are drawn from these characters (common, positive, not place names).
_BRAND_CHARS = "".join(
    dict.fromkeys(
        "安邦宝博辰诚创达德鼎东恩丰峰福富港光海瀚昊禾和恒弘宏鸿华辉汇佳嘉骏凯康坤蓝朗力立利联领隆茂"
        "美敏铭明诺鹏谱启锐瑞润森晟盛仕硕思泰腾天通拓万维伟蔚沃祥欣鑫星兴旭亚耀益逸银英盈永宇远越云"
        "泽展兆哲臻正智卓晶驰澜沐霖泓澄湛翊煜烨琪瑾璞瑜珑祺宸翔睿昱曜岚峻崇羽赫航奥帆锦昌信捷迅"
    )
)
_ROAD_STEMS = (
    "创新", "科技", "开发", "文汇", "兴业", "腾飞", "明月", "望江", "秀水", "翠岗", "春晖", "金桂",
    "长青", "新港", "玉带", "清风", "临湖", "白塔", "梅岭", "柳湾", "荷花", "银杏", "紫藤", "青莲",
    "运河", "永安", "致远", "凌云", "启航", "博学", "丰收", "和平", "朝阳", "湖滨", "双桥", "石桥",
    "南园", "北苑", "东篱", "西溪",
)  # fmt: skip
_ROAD_SUFFIXES = ("路", "路", "路", "大道", "街", "东路", "西路", "南路", "北路")
_BATCH = ("一", "二", "三")

_M_SECTION_THRESHOLDS = ((300, 0), (100, 0), (10, 0))  # 其他未列明行业: employees only
_SIZE_THRESHOLDS = {  # (employees, operating revenue) lower bounds for large / medium / small
    "C": ((1000, 400_000_000), (300, 20_000_000), (20, 3_000_000)),
    "I": ((300, 100_000_000), (100, 10_000_000), (10, 500_000)),
    "M": _M_SECTION_THRESHOLDS,
}
_SIZES = ("large", "medium", "small", "micro")

_KINDS = tuple(k.value for k in IPKind)
_CLASS_I = np.array([IPKind(k).ip_class == "I" for k in _KINDS])

# Title targets for 12,000 enterprises (valid at the end of last_year), scaled with n.
_BASE_N = 12_000
_TARGETS = {
    "hnte": 1800,
    "tech_sme": 3000,
    "innovative_sme": 1200,
    "specialized_sme": 500,
    "little_giant": 40,
    "gazelle": 100,
    "potential_unicorn": 8,
    "unicorn": 1,
    "provincial_rd_institution": 350,
}
_LEVELS = {
    "hnte": TitleLevel.national,
    "tech_sme": TitleLevel.provincial,
    "innovative_sme": TitleLevel.provincial,
    "specialized_sme": TitleLevel.provincial,
    "little_giant": TitleLevel.national,
    "gazelle": TitleLevel.municipal,
    "potential_unicorn": TitleLevel.provincial,
    "unicorn": TitleLevel.provincial,
    "provincial_rd_institution": TitleLevel.provincial,
}
_DOCUMENTS = {  # "{y}" is the year granted, "{b}" the batch (一/二/三), "{n}" the national batch number
    "hnte": "江苏省{y}年第{b}批高新技术企业名单（演示）",
    "tech_sme": "江苏省{y}年第{b}批入库科技型中小企业名单（演示）",
    "innovative_sme": "江苏省{y}年创新型中小企业名单（演示）",
    "specialized_sme": "江苏省{y}年专精特新中小企业名单（演示）",
    "little_giant": "第{n}批专精特新“小巨人”企业名单（演示）",
    "gazelle": "扬州市{y}年瞪羚企业名单（演示）",
    "potential_unicorn": "江苏省{y}年潜在独角兽企业名单（演示）",
    "unicorn": "江苏省{y}年独角兽企业名单（演示）",
    "provincial_rd_institution": "江苏省{y}年省级工程技术研究中心名单（演示）",
}
_FIRST_YEAR = 1995


# ---------------------------------------------------------------------------------------------
# helpers


def _year_end(years: np.ndarray | int) -> np.ndarray:
    """Dec 31 of each year as datetime64[D]."""
    y = np.asarray(years, dtype=np.int64)
    return (y - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(1, "D")


def _pick(rng: np.random.Generator, weight: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn without replacement with probability ∝ ``weight`` (Gumbel top-k)."""
    pos = np.flatnonzero(weight > 0)
    k = min(int(k), pos.size)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    keys = np.log(weight[pos]) + rng.gumbel(size=pos.size)
    top = np.argpartition(-keys, k - 1)[:k] if k < pos.size else np.arange(pos.size)
    return np.sort(pos[top])


def _pick_mostly(
    rng: np.random.Generator, plausible: np.ndarray, weight: np.ndarray, k: int, share: float
) -> np.ndarray:
    """``k`` firms, about ``share`` of them among the plausible ones (more if the others run out)."""
    weight = np.asarray(weight, dtype=np.float64)
    chosen = _pick(rng, np.where(plausible, weight, 0.0), round(k * share))
    taken = np.zeros(weight.size, dtype=bool)
    taken[chosen] = True
    rest = _pick(rng, np.where(~plausible & ~taken, weight, 0.0), k - chosen.size)
    taken[rest] = True
    more = _pick(rng, np.where(plausible & ~taken, weight, 0.0), k - chosen.size - rest.size)
    return np.sort(np.concatenate([chosen, rest, more]))


def _uniform_year(rng: np.random.Generator, low: np.ndarray, high: int | np.ndarray) -> np.ndarray:
    """A uniform integer year in [low, high] per element (low <= high)."""
    span = np.asarray(high) - low + 1
    return low + np.floor(rng.random(low.size) * span).astype(np.int64)


def _unique_ints(rng: np.random.Generator, space: int, k: int, reserved: tuple[int, ...] = ()) -> np.ndarray:
    """``k`` distinct random integers in [0, space), avoiding ``reserved``."""
    out = rng.choice(space, size=k, replace=False).astype(np.int64)
    for value in reserved:
        while (hit := np.flatnonzero(out == value)).size:
            candidate = rng.integers(0, space, size=hit.size)
            out[hit] = np.where(np.isin(candidate, out), value, candidate)
    return out


def _digits(values: np.ndarray, width: int, base: int) -> np.ndarray:
    """(n, width) digits of ``values`` in ``base``, most significant first."""
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % base


def _zh_number(k: int) -> str:
    """1–99 in Chinese numerals (一, 十, 十二, 二十 …)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(k, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones else "")


def _strings(values: list[str] | tuple[str, ...], index: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(index)


# ---------------------------------------------------------------------------------------------
# enterprises


def _uscc(rng: np.random.Generator, admin6: np.ndarray, founded: np.ndarray) -> pl.Series:
    """Valid, unique USCCs: "91" + admin code + organisation code (MA… after the 2015 reform) + check."""
    n = admin6.size
    codes = np.empty((n, 17), dtype=np.int64)  # indices into CHARSET; digits map to themselves
    codes[:, 0], codes[:, 1] = 9, 1
    codes[:, 2:8] = _digits(admin6, 6, 10)
    new = founded >= np.datetime64("2015-10-01")
    n_new = int(new.sum())
    # New registrations: "MA" + 7 characters; the demo enterprise's "MA1DEM001" is reserved.
    demo_tail = 0
    for c in "1DEM001":
        demo_tail = demo_tail * 31 + CHARSET.index(c)
    tails = _unique_ints(rng, 31**7, n_new, reserved=(demo_tail,))
    codes[new, 8] = CHARSET.index("M")
    codes[new, 9] = CHARSET.index("A")
    codes[new, 10:17] = _digits(tails, 7, 31)
    # Older firms: an 8-digit organisation code (GB 11714) with its own check character.
    body = _digits(_unique_ints(rng, 10**8, n - n_new), 8, 10)
    c9 = 11 - (body @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    c9 = np.where(c9 == 11, 0, np.where(c9 == 10, CHARSET.index("X"), c9))
    codes[~new, 8:16] = body
    codes[~new, 16] = c9
    check = (31 - (codes @ np.array(WEIGHTS)) % 31) % 31
    full = np.concatenate([codes, check[:, None]], axis=1)
    ascii_ = np.frombuffer(CHARSET.encode(), dtype=np.uint8)[full]
    return pl.Series("uscc", np.ascontiguousarray(ascii_).view("S18").ravel()).cast(pl.String)


def _first_dups(keys: np.ndarray) -> np.ndarray:
    """Mask of the elements whose key already occurred at a lower index."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    dup = np.zeros(keys.size, dtype=bool)
    dup[order[1:][ordered[1:] == ordered[:-1]]] = True
    return dup


def _brands(rng: np.random.Generator, stem: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two different brand characters per firm such that ``stem`` + brand is unique.

    ``stem`` encodes everything else in the name (place, industry word, suffix), so equal keys
    mean equal names; clashes draw a new brand until none is left (a few vectorised rounds).
    """
    m = len(_BRAND_CHARS)

    def draw(size: int) -> tuple[np.ndarray, np.ndarray]:
        a = rng.integers(0, m, size)
        b = rng.integers(0, m - 1, size)
        return a, b + (b >= a)

    b1, b2 = draw(stem.size)
    keys = (stem * m + b1) * m + b2
    bad = _first_dups(keys)
    fixed = np.sort(keys[~bad])
    extra = np.empty(0, dtype=np.int64)
    todo = np.flatnonzero(bad)
    for _ in range(200):
        if todo.size == 0:
            return b1, b2
        b1[todo], b2[todo] = draw(todo.size)
        k = (stem[todo] * m + b1[todo]) * m + b2[todo]
        clash = _first_dups(k)
        for taken in (fixed, extra):
            if taken.size:
                pos = np.minimum(np.searchsorted(taken, k), taken.size - 1)
                clash |= taken[pos] == k
        extra = np.sort(np.concatenate([extra, k[~clash]]))
        todo = todo[clash]
    raise RuntimeError("could not make the company names unique")  # pragma: no cover


@dataclass
class _Firms:
    """Per-enterprise latent traits shared by the figure, title and IP generators."""

    n: int
    region: np.ndarray
    industry: np.ndarray
    founded: np.ndarray  # datetime64[D]
    founded_year: np.ndarray
    log_revenue: np.ndarray  # annualised operating revenue in last_year (log yuan)
    tech: np.ndarray  # industry tech propensity
    near: np.ndarray  # R&D ratio sits near the HNTE threshold
    innovator: np.ndarray


def _enterprises(rng: np.random.Generator, n: int, last_year: int) -> tuple[pl.DataFrame, _Firms]:
    # region, then industry conditioned on the region
    shares = np.array([r[1] for r in REGIONS])
    region = rng.choice(len(REGIONS), size=n, p=shares / shares.sum())
    base_w = np.array([ind[2] for ind in INDUSTRIES])
    clusters = [ind[1] for ind in INDUSTRIES]
    industry = np.empty(n, dtype=np.int64)
    for r, (_, _, _, _, boost) in enumerate(REGIONS):
        members = np.flatnonzero(region == r)
        w = base_w * np.array([boost.get(c, 1.0) for c in clusters])
        industry[members] = rng.choice(len(INDUSTRIES), size=members.size, p=w / w.sum())

    ind_scale = np.array([ind[4] for ind in INDUSTRIES])[industry]
    tech = np.array([ind[3] for ind in INDUSTRIES])[industry]

    # age (older firms are bigger), founding date skewed towards recent years
    z = rng.standard_normal(n)
    max_days = int((np.datetime64(f"{last_year}-12-31") - np.datetime64(f"{_FIRST_YEAR}-01-01")).astype(int))
    age = rng.gamma(1.5, 5.0, n) + 2.5 * np.clip(z, 0, None)
    days = np.minimum(np.floor(age * 365.25).astype(np.int64), max_days)
    founded = np.datetime64(f"{last_year}-12-31") - days.astype("timedelta64[D]")
    founded_year = founded.astype("datetime64[Y]").astype(np.int64) + 1970
    young = np.clip(3.0 - days / 365.25, 0, None) / 3.0
    log_revenue = np.log(2.6e7) + ind_scale + 1.35 * z - 1.2 * young

    near = rng.random(n) < np.clip(0.35 * tech / tech.mean(), 0, 0.85)
    innovator = near | (rng.random(n) < 0.3 * tech)

    # names: place + invented brand + industry word + suffix; aliases: brand + short word
    places = ["扬州", *dict.fromkeys(r[2] for r in REGIONS)]
    place = np.where(rng.random(n) < 0.35, 0, np.array([places.index(r[2]) for r in REGIONS])[region])
    vocabulary = sorted({w for ind in INDUSTRIES for w in ind[7]})
    n_words = np.array([len(ind[7]) for ind in INDUSTRIES])
    flat_word = np.array([vocabulary.index(w) for ind in INDUSTRIES for w in ind[7]])
    word_offset = np.concatenate([[0], np.cumsum(n_words)[:-1]])
    word = flat_word[word_offset[industry] + np.floor(rng.random(n) * n_words[industry]).astype(np.int64)]
    # listed firms are drawn among the big ones, and are all joint-stock companies
    listed = np.zeros(n, dtype=bool)
    listed[_pick(rng, np.exp(1.2 * (log_revenue - log_revenue.max())) + 1e-300, round(0.005 * n))] = True
    big = log_revenue > np.log(2e8)
    joint_stock = (listed | (rng.random(n) < np.where(big, 0.35, 0.04))).astype(np.int64)
    b1, b2 = _brands(rng, (place * len(vocabulary) + word) * 2 + joint_stock)
    chars = pl.Series(list(_BRAND_CHARS), dtype=pl.String)
    brand = chars.gather(b1) + chars.gather(b2)
    place_s = _strings(places, place)
    names = place_s + brand + _strings(vocabulary, word) + _strings(("有限公司", "股份有限公司"), joint_stock)
    shorts = _strings([ind[8] for ind in INDUSTRIES], industry)
    u = rng.random(n)
    aliases = pl.select(
        pl.when(pl.Series(u < 0.035))
        .then(brand + shorts)
        .when(pl.Series(u < 0.05))
        .then(brand + shorts + "|" + place_s + brand)
        .otherwise(pl.lit(""))
    ).to_series()

    road = _strings(_ROAD_STEMS, rng.integers(0, len(_ROAD_STEMS), n)) + _strings(
        _ROAD_SUFFIXES, rng.integers(0, len(_ROAD_SUFFIXES), n)
    )
    number = pl.Series(np.minimum(rng.geometric(0.006, n), 999)).cast(pl.String)
    address = _strings([r[3] for r in REGIONS], region) + road + number + "号"

    admin6 = np.array([int(r[0][:6]) for r in REGIONS])[region]
    uscc = _uscc(rng, admin6, founded)

    frame = pl.DataFrame(
        {
            "uscc": uscc,
            "name": names.alias("name"),
            "aliases": aliases.alias("aliases"),
            "region_code": _strings([r[0] for r in REGIONS], region),
            "address": address.alias("address"),
            "founded_on": pl.Series(founded, dtype=pl.Date),
            "industry_code": _strings([ind[0] for ind in INDUSTRIES], industry),
            "size_class": pl.Series([""] * n, dtype=pl.String),  # filled from the last year's figures
            "listed": pl.Series(listed, dtype=pl.Boolean),
        }
    )
    firms = _Firms(n, region, industry, founded, founded_year, log_revenue, tech, near, innovator)
    return frame, firms


# ---------------------------------------------------------------------------------------------
# figures


@dataclass
class _Rows:
    firm: np.ndarray
    year: np.ndarray
    off: np.ndarray  # last_year - year
    last: np.ndarray  # row index of each firm's last_year row
    values: dict[str, np.ndarray]
    annual: np.ndarray  # annualised revenue (for growth)


def _figures(rng: np.random.Generator, f: _Firms, last_year: int) -> _Rows:
    n = f.n
    k = rng.integers(3, 6, n)
    first = np.maximum(last_year - k + 1, f.founded_year)
    n_years = last_year - first + 1
    firm = np.repeat(np.arange(n), n_years)
    ends = np.cumsum(n_years)
    pos = np.arange(firm.size) - np.repeat(ends - n_years, n_years)
    year = first[firm] + pos
    off = last_year - year
    last = ends - 1
    rows = firm.size

    def per_row(x: np.ndarray) -> np.ndarray:
        return x[firm]

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, rows)

    # revenue path: noisy growth around +8 % a year (faster while young), walked back from last_year
    age = (np.datetime64(f"{last_year}-12-31") - f.founded).astype(np.int64) / 365.25
    trend = rng.normal(np.log(1.08), 0.06, n) + 0.25 * np.exp(-age / 3.0)
    steps = trend[:, None] + rng.normal(0.0, 0.13, (n, 4))
    back = np.zeros((n, 5))
    back[:, 1:] = np.cumsum(steps, axis=1)
    log_rev = f.log_revenue[firm] - back[firm, off]
    del back, steps
    annual = np.exp(log_rev)
    # the founding year only counts the months after registration
    founding_row = year == f.founded_year[firm]
    days_left = (_year_end(year) - f.founded[firm]).astype(np.int64) + 1
    frac = np.where(founding_row, np.maximum(days_left / 365.0, 0.03), 1.0)
    op = np.maximum(np.rint(annual * frac), 20_000).astype(np.int64)
    del founding_row, days_left, frac

    prod_offset = np.array([ind[5] for ind in INDUSTRIES])[f.industry]
    per_head = np.exp(rng.normal(np.log(850_000), 0.35, n) + prod_offset)
    employees = np.maximum(np.rint(annual / per_head[firm] * np.exp(noise(0.05))), 1).astype(np.int64)

    tech_ratio = np.where(
        f.innovator, np.exp(rng.normal(np.log(0.22), 0.40, n)), np.exp(rng.normal(np.log(0.09), 0.50, n))
    )
    tech_ratio = np.clip(tech_ratio, 0.0, 0.9)
    tech_staff = np.rint(employees * np.clip(per_row(tech_ratio) * np.exp(noise(0.06)), 0, 0.95))
    tech_staff = np.minimum(tech_staff.astype(np.int64), employees)
    rd_staff = np.rint(tech_staff * per_row(rng.uniform(0.35, 0.9, n))).astype(np.int64)

    sales_share = np.where(rng.random(n) < 0.55, 1.0, rng.uniform(0.93, 1.0, n))
    sales = np.floor(op * per_row(sales_share)).astype(np.int64)
    main_share = np.where(rng.random(n) < 0.3, 1.0, rng.uniform(0.72, 1.0, n))
    main = np.floor(op * np.clip(per_row(main_share) + noise(0.02), 0.5, 1.0)).astype(np.int64)
    other = np.clip(np.exp(rng.normal(np.log(0.015), 0.8, n)), 0, 0.3)
    total_income = op + np.floor(op * per_row(other) * np.exp(noise(0.2))).astype(np.int64)

    u = rng.random(n)
    ht_share = np.where(
        f.innovator,
        np.where(u < 0.88, rng.uniform(0.6, 0.95, n), rng.uniform(0.3, 0.6, n)),
        np.where(u < 0.45, 0.0, rng.uniform(0.02, 0.45, n)),
    )
    ht_row = np.where(per_row(ht_share) > 0, np.clip(per_row(ht_share) + noise(0.03), 0.0, 1.0), 0.0)
    high_tech = np.floor(total_income * ht_row).astype(np.int64)
    del ht_row

    # R&D ratio: near the HNTE threshold of the band given by last year's sales, or log-normal
    sales_last = sales[last]
    threshold = np.where(sales_last > 200_000_000, 0.03, np.where(sales_last > 50_000_000, 0.04, 0.05))
    delta = np.where(rng.random(n) < 0.6, rng.uniform(0.0, 0.015, n), rng.uniform(-0.015, 0.0, n))
    spread = np.exp(rng.normal(np.log(0.014), 0.8, n))
    no_rd = rng.random(n) < 0.35 * (1.0 - f.tech)
    rd_ratio = np.where(f.near, threshold + delta, np.where(no_rd, 0.0, spread))
    rd_ratio = np.clip(rd_ratio, 0.0, 0.5)
    rd = np.floor(sales * np.clip(per_row(rd_ratio) * np.exp(noise(0.06)), 0, 0.6)).astype(np.int64)
    dom_u = rng.random(n)
    dom_share = np.where(
        dom_u < 0.70, 1.0, np.where(dom_u < 0.95, rng.uniform(0.85, 1.0, n), rng.uniform(0.3, 0.6, n))
    )
    rd_domestic = np.floor(rd * per_row(dom_share)).astype(np.int64)

    cost_ratio = np.clip(rng.normal(0.9, 0.06, n), 0.6, 1.3)
    total_cost = np.floor(op * np.clip(per_row(cost_ratio) + noise(0.03), 0.5, 1.5)).astype(np.int64)
    total_cost = np.maximum(total_cost, rd)
    profit = total_income - total_cost
    tax_rate = np.clip(np.exp(rng.normal(np.log(0.03), 0.5, n)), 0, 0.15)
    tax_paid = np.floor(op * per_row(tax_rate)).astype(np.int64) + np.floor(
        np.maximum(profit, 0) * 0.2
    ).astype(np.int64)
    export_p = np.array([ind[6] for ind in INDUSTRIES])[f.industry]
    export_share = np.where(rng.random(n) < export_p, rng.uniform(0.05, 0.7, n), 0.0)
    exports = np.floor(
        sales * np.clip(per_row(export_share) + noise(0.02), 0, 1) * (per_row(export_share) > 0)
    )
    exports = exports.astype(np.int64)
    is_rd_service = np.isin(np.array([ind[1] for ind in INDUSTRIES])[f.industry], ("rd", "software"))
    contract_p = np.where(is_rd_service, 0.5, np.where(f.innovator, 0.12, 0.02))
    contract_share = np.where(
        rng.random(n) < contract_p,
        np.where(is_rd_service, rng.uniform(0.05, 0.5, n), rng.uniform(0.005, 0.05, n)),
        0,
    )
    contracts = np.floor(op * per_row(contract_share) * np.exp(noise(0.2))).astype(np.int64)
    asset_ratio = np.exp(rng.uniform(np.log(0.8), np.log(2.0), n))
    assets = np.floor(annual * per_row(asset_ratio) * np.exp(noise(0.05))).astype(np.int64)
    debt_ratio = rng.uniform(0.2, 0.8, n)
    liabilities = np.floor(assets * np.clip(per_row(debt_ratio) + noise(0.03), 0.05, 0.95)).astype(np.int64)

    values = {
        "employees": employees,
        "tech_staff": tech_staff,
        "rd_staff": rd_staff,
        "sales_revenue": sales,
        "operating_revenue": op,
        "main_business_revenue": main,
        "rd_expense": rd,
        "rd_expense_domestic": rd_domestic,
        "high_tech_revenue": high_tech,
        "total_cost": total_cost,
        "total_income": total_income,
        "total_assets": assets,
        "total_liabilities": liabilities,
        "profit": profit,
        "tax_paid": tax_paid,
        "exports": exports,
        "tech_contract_turnover": contracts,
    }
    return _Rows(firm, year, off, last, values, annual)


def _size_class(f: _Firms, rows: _Rows) -> np.ndarray:
    emp = rows.values["employees"][rows.last]
    rev = rows.values["operating_revenue"][rows.last]
    section = np.array([ind[0][0] for ind in INDUSTRIES])[f.industry]
    size = np.full(f.n, 3, dtype=np.int64)
    for sec, bounds in _SIZE_THRESHOLDS.items():
        in_sec = section == sec
        for level in (2, 1, 0):  # small, medium, large: the highest tier whose two bounds are both met
            e_min, r_min = bounds[level]
            size = np.where(in_sec & (emp >= e_min) & (rev >= r_min), level, size)
    return size


def _figures_frame(rng: np.random.Generator, rows: _Rows, uscc: pl.Series) -> pl.DataFrame:
    n_rows = rows.firm.size
    columns: dict[str, pl.Series] = {
        "uscc": uscc.gather(rows.firm),
        "year": pl.Series("year", rows.year, dtype=pl.Int64),
    }
    scale = 0.6 + 0.3 * rows.off  # older years miss more figures
    for name in FIGURE_COLUMNS:
        series = pl.Series(name, rows.values.pop(name), dtype=pl.Int64)  # frees the array as we go
        if name not in _NEVER_NULL:
            missing = np.flatnonzero(rng.random(n_rows, dtype=np.float32) < _NULL_RATE[name] * scale)
            series = series.scatter(missing, None)
        columns[name] = series
    return pl.DataFrame(columns)


# ---------------------------------------------------------------------------------------------
# titles and IP


@dataclass
class _Grants:
    firm: list[np.ndarray]
    kind: list[str]
    year: list[np.ndarray]
    batch: list[np.ndarray]

    def add(self, kind: str, firm: np.ndarray, year: np.ndarray, batch: np.ndarray | None = None) -> None:
        self.firm.append(np.asarray(firm, dtype=np.int64))
        self.kind.append(kind)
        self.year.append(np.asarray(year, dtype=np.int64))
        self.batch.append(np.zeros(len(firm), dtype=np.int64) if batch is None else batch)


def _by_firm(rows: _Rows, n: int, name: str, max_off: int) -> np.ndarray:
    """Sum of a figure over the rows with off <= max_off, per firm."""
    keep = rows.off <= max_off
    return np.bincount(rows.firm[keep], weights=rows.values[name][keep].astype(np.float64), minlength=n)


def _hnte(
    rng: np.random.Generator, f: _Firms, rows: _Rows, last_year: int, k: int, grants: _Grants
) -> np.ndarray:
    """HNTE grants; returns the firms holding a certificate valid at the end of last_year."""
    n = f.n
    v = rows.values
    last = rows.last
    sales3, rd3 = _by_firm(rows, n, "sales_revenue", 2), _by_firm(rows, n, "rd_expense", 2)
    dom3 = _by_firm(rows, n, "rd_expense_domestic", 2)
    sales_last = v["sales_revenue"][last]
    pct = np.where(sales_last > 200_000_000, 3, np.where(sales_last > 50_000_000, 4, 5))
    qualifies = (
        (rd3 * 100 >= pct * sales3)
        & (rd3 > 0)
        & (dom3 * 10 >= 6 * rd3)
        & (v["tech_staff"][last] * 10 >= v["employees"][last])
        & (v["high_tech_revenue"][last] * 10 >= 6 * v["total_income"][last])
    )
    old_enough = f.founded_year <= last_year - 1
    weight = np.where(old_enough, np.where(f.innovator, 1.0, 0.15), 0.0)
    holders = _pick_mostly(rng, qualifies & old_enough, weight, k, 0.93)
    low = np.maximum(last_year - 2, f.founded_year[holders] + 1)
    granted = _uniform_year(rng, low, last_year)
    grants.add("hnte", holders, granted)
    # earlier certificates of today's holders (renewals every three years)
    renewed = np.ones(holders.size, dtype=bool)
    for step, p in ((3, 0.7), (6, 0.6)):
        back = granted - step
        renewed &= (back >= f.founded_year[holders] + 1) & (rng.random(holders.size) < p)
        grants.add("hnte", holders[renewed], back[renewed])
    # firms whose certificate lapsed (granted 3–5 years before last_year, not renewed)
    is_holder = np.zeros(n, dtype=bool)
    is_holder[holders] = True
    can_lapse = ~is_holder & (f.founded_year <= last_year - 4)
    lapsed = _pick(rng, np.where(can_lapse, np.where(f.innovator, 1.0, 0.3), 0.0), round(0.25 * k))
    low = np.maximum(last_year - 5, f.founded_year[lapsed] + 1)
    grants.add("hnte", lapsed, _uniform_year(rng, low, last_year - 3))
    return is_holder


def _ip(
    rng: np.random.Generator, f: _Firms, rows: _Rows, hnte: np.ndarray, uscc: pl.Series
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """IP holdings per firm-year; also returns class I / class II counts per figure row."""
    n = f.n
    cluster = np.array([ind[1] for ind in INDUSTRIES])[f.industry]
    soft = np.isin(cluster, ("software", "rd"))
    ic = cluster == "ic"
    bio = cluster == "biomed"
    food = cluster == "food"
    electronic = np.isin(
        cluster, ("electronics", "equipment", "grid", "aviation", "medical", "storage", "hydrogen")
    )
    has_ip = hnte | (rng.random(n) < np.where(f.innovator, 0.78, 0.42))
    prob = {
        "invention": np.clip(0.12 + 0.35 * hnte + 0.05 * f.innovator + 0.15 * (ic | bio), 0, 0.9),
        "plant_variety": np.where(food, 0.04, 0.0),
        "new_drug": np.where(bio, 0.12, 0.0),
        "ic_layout": np.where(ic, 0.45, np.where(cluster == "electronics", 0.08, 0.0)),
        "utility_model": np.where(soft, 0.25, 0.8),
        "design": np.where(food | (cluster == "traditional"), 0.35, np.where(electronic, 0.15, 0.08)),
        "software": np.where(soft, 0.95, np.where(electronic | ic, 0.45, 0.15)),
    }
    base = {
        "invention": 2.0,
        "plant_variety": 1.0,
        "new_drug": 1.0,
        "ic_layout": 2.0,
        "utility_model": 6.0,
        "design": 2.0,
        "software": 5.0,
    }
    held = {kind: has_ip & (rng.random(n) < prob[kind]) for kind in _KINDS}
    none = has_ip & ~np.any(np.stack(list(held.values())), axis=0)
    held["utility_model"] |= none & ~soft
    held["software"] |= none & soft
    emp_last = rows.values["employees"][rows.last]
    scale = (
        (np.maximum(emp_last, 1) / 30.0) ** 0.35 * np.where(hnte, 1.8, 1.0) * np.exp(rng.normal(0, 0.5, n))
    )

    class_i = np.zeros(rows.firm.size, dtype=np.int64)
    class_ii = np.zeros(rows.firm.size, dtype=np.int64)
    parts_firm, parts_year, parts_kind, parts_count = [], [], [], []
    for kind_index, kind in enumerate(_KINDS):
        count_last = 1 + rng.poisson(np.maximum(base[kind] * scale - 1.0, 0.0))
        decay = rng.uniform(0.08, 0.35, n)
        idx = np.flatnonzero(held[kind][rows.firm])
        fi = rows.firm[idx]
        count = np.rint(count_last[fi] * np.exp(-decay[fi] * rows.off[idx])).astype(np.int64)
        ok = count >= 1
        idx, fi, count = idx[ok], fi[ok], count[ok]
        if _CLASS_I[kind_index]:
            class_i[idx] += count
        else:
            class_ii[idx] += count
        parts_firm.append(fi)
        parts_year.append(rows.year[idx])
        parts_kind.append(np.full(idx.size, kind_index, dtype=np.int64))
        parts_count.append(count)
    firm = np.concatenate(parts_firm)
    year = np.concatenate(parts_year)
    kind_ix = np.concatenate(parts_kind)
    count = np.concatenate(parts_count)
    order = np.argsort(firm * 1024 + (year - _FIRST_YEAR) * 8 + kind_ix, kind="stable")
    firm, year, kind_ix, count = firm[order], year[order], kind_ix[order], count[order]
    frame = pl.DataFrame(
        {
            "uscc": uscc.gather(firm),
            "year": pl.Series(year, dtype=pl.Int64),
            "kind": _strings(_KINDS, kind_ix),
            "ip_class": _strings([IPKind(k).ip_class for k in _KINDS], kind_ix),
            "count": pl.Series(count, dtype=pl.Int64),
        }
    )
    return frame, class_i, class_ii


def _points(value: np.ndarray, bounds: tuple[float, ...], points: tuple[int, ...]) -> np.ndarray:
    """Banded score: the points of the highest lower bound (inclusive) reached, else 0."""
    out = np.zeros(value.shape, dtype=np.int64)
    for bound, pts in sorted(zip(bounds, points, strict=True)):
        out = np.where(value >= bound, pts, out)
    return out


def _tech_sme_ok(
    rows: _Rows, class_i: np.ndarray, class_ii: np.ndarray, hnte_valid_row: np.ndarray
) -> np.ndarray:
    """Per figure row: would the firm pass the tech-SME evaluation on that year's figures?"""
    v = rows.values
    emp = v["employees"]
    with np.errstate(divide="ignore", invalid="ignore"):
        staff = np.where(emp > 0, v["tech_staff"] / emp, 0.0)
        rd_sales = np.where(v["sales_revenue"] > 0, v["rd_expense"] / v["sales_revenue"], 0.0)
        rd_cost = np.where(v["total_cost"] > 0, v["rd_expense"] / v["total_cost"], 0.0)
    staff_pts = _points(staff, (0.10, 0.15, 0.20, 0.25, 0.30), (4, 8, 12, 16, 20))
    rd_pts = np.maximum(
        _points(rd_sales, (0.02, 0.03, 0.04, 0.05, 0.06), (10, 20, 30, 40, 50)),
        _points(rd_cost, (0.10, 0.15, 0.20, 0.25, 0.30), (10, 20, 30, 40, 50)),
    )
    ip_pts = np.where(class_i >= 1, 30, _points(class_ii.astype(np.float64), (1, 2, 3, 4), (6, 12, 18, 24)))
    size_ok = (emp <= 500) & (v["sales_revenue"] <= 200_000_000) & (v["total_assets"] <= 200_000_000)
    return size_ok & (hnte_valid_row | ((staff_pts > 0) & (staff_pts + rd_pts + ip_pts >= 60)))


def _titles(
    rng: np.random.Generator,
    f: _Firms,
    rows: _Rows,
    size: np.ndarray,
    listed: np.ndarray,
    uscc: pl.Series,
    last_year: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = f.n
    scale = n / _BASE_N
    target = {kind: round(count * scale) for kind, count in _TARGETS.items()}
    grants = _Grants([], [], [], [])
    L = last_year
    v = rows.values

    hnte_now = _hnte(rng, f, rows, L, target["hnte"], grants)
    hnte_any = np.zeros(n, dtype=bool)
    for firm in grants.firm:
        hnte_any[firm] = True
    ip, class_i, class_ii = _ip(rng, f, rows, hnte_any, uscc)

    # HNTE validity per figure row: a grant in [year-2, year]
    valid_years = np.zeros((n, 5), dtype=bool)  # column = off
    for firm, year in zip(grants.firm, grants.year, strict=True):
        for step in range(3):
            off = L - (year + step)
            ok = (off >= 0) & (off <= 4)
            valid_years[firm[ok], off[ok]] = True
    tech_ok = _tech_sme_ok(rows, class_i, class_ii, valid_years[rows.firm, rows.off])

    # tech SMEs: last_year and the two years before (yearly registrations, some continuity)
    previous = np.zeros(n, dtype=bool)
    for back, factor in ((0, 1.0), (1, 0.95), (2, 0.92)):
        reg_year = L - back
        at = rows.off == back
        ok = np.zeros(n, dtype=bool)
        ok[rows.firm[at]] = tech_ok[at]
        present = np.zeros(n, dtype=bool)
        present[rows.firm[at]] = True
        weight = np.where(present, np.where(previous, 4.0, 1.0) * np.where(f.innovator, 2.0, 1.0), 0.0)
        chosen = _pick_mostly(rng, ok, weight, round(target["tech_sme"] * factor), 0.96)
        batch = (rng.random(chosen.size) < 0.45).astype(np.int64) + (rng.random(chosen.size) < 0.15)
        grants.add("tech_sme", chosen, np.full(chosen.size, reg_year), batch)
        previous[:] = False
        previous[chosen] = True

    # last-year figures used by the other titles
    op_last = v["operating_revenue"][rows.last].astype(np.float64)
    rd_last = v["rd_expense"][rows.last].astype(np.float64)
    rd_share = rd_last / np.maximum(op_last, 1.0)
    ip_last_i = class_i[rows.last]
    ip_last = ip_last_i + class_ii[rows.last]
    annual_last = rows.annual[rows.last]
    annual_2 = np.full(n, np.nan)
    at2 = rows.off == 2
    annual_2[rows.firm[at2]] = rows.annual[at2]
    growth = np.where(np.isfinite(annual_2), annual_last / annual_2, 0.0)
    age_years = L - f.founded_year
    not_large = size != 0

    def three_year(kind: str, firms: np.ndarray, earliest: np.ndarray | None = None) -> None:
        low = np.maximum(L - 2, f.founded_year[firms] + 1)
        if earliest is not None:
            low = np.maximum(low, earliest)
        grants.add(kind, firms, _uniform_year(rng, np.minimum(low, L), L))

    eligible = f.founded_year <= L - 1
    innov_ok = eligible & not_large & (ip_last >= 1) & ((rd_share >= 0.02) | (ip_last_i >= 1) | hnte_now)
    innovative = _pick_mostly(
        rng,
        innov_ok,
        np.where(eligible, np.where(f.innovator, 3.0, 1.0), 0.0),
        target["innovative_sme"],
        0.93,
    )
    three_year("innovative_sme", innovative)
    innov_year = np.full(n, L - 2)
    innov_year[innovative] = grants.year[-1]
    is_innov = np.zeros(n, dtype=bool)
    is_innov[innovative] = True

    spec_ok = (f.founded_year <= L - 2) & not_large & (op_last >= 1e7) & (rd_last >= 1e6) & (rd_share >= 0.03)
    specialized = _pick_mostly(
        rng, spec_ok, np.where(eligible, np.where(is_innov, 6.0, 1.0), 0.0), target["specialized_sme"], 0.92
    )
    three_year("specialized_sme", specialized, innov_year[specialized])
    spec_year = np.full(n, L - 2)
    spec_year[specialized] = grants.year[-1]
    is_spec = np.zeros(n, dtype=bool)
    is_spec[specialized] = True

    giant_ok = is_spec & (f.founded_year <= L - 3) & (op_last >= 5e7) & (ip_last_i >= 1)
    giants = _pick_mostly(
        rng, giant_ok, np.where(is_spec, np.log1p(op_last), 0.0), target["little_giant"], 0.95
    )
    three_year("little_giant", giants, spec_year[giants])

    gazelle_ok = (age_years <= 15) & (annual_2 >= 5e6) & (growth >= 1.44) & (~listed)
    gazelles = _pick_mostly(
        rng,
        gazelle_ok,
        np.where(eligible, growth * np.where(f.innovator, 2.0, 1.0), 0.0),
        target["gazelle"],
        0.95,
    )
    grants.add("gazelle", gazelles, np.full(gazelles.size, L))

    young = (age_years <= 10) & ~listed
    unicorn_score = np.where(young, annual_last * np.clip(growth, 0.5, None) * (1 + f.innovator), 0.0)
    unicorn = np.sort(np.argsort(-unicorn_score, kind="stable")[: target["unicorn"]].astype(np.int64))
    taken = np.zeros(n, dtype=bool)
    taken[unicorn] = True
    potential_ok = young & ~taken & (annual_last >= 3e7) & f.innovator
    potential = _pick_mostly(
        rng, potential_ok, np.where(young & ~taken, unicorn_score, 0.0), target["potential_unicorn"], 1.0
    )
    grants.add("potential_unicorn", potential, np.full(potential.size, L))
    grants.add("unicorn", unicorn, np.full(unicorn.size, L))

    rd_inst_ok = (f.founded_year <= L - 2) & f.innovator & (op_last >= 3e7)
    rd_inst = _pick_mostly(
        rng,
        rd_inst_ok,
        np.where(f.founded_year <= L - 2, np.log1p(op_last), 0.0),
        target["provincial_rd_institution"],
        0.9,
    )
    low = np.maximum(L - 12, f.founded_year[rd_inst] + 2)
    grants.add("provincial_rd_institution", rd_inst, _uniform_year(rng, np.minimum(low, L), L))

    return _titles_frame(rng, grants, uscc, L), ip


def _titles_frame(rng: np.random.Generator, grants: _Grants, uscc: pl.Series, last_year: int) -> pl.DataFrame:
    parts = []
    for kind, firm, basis_year, batch in zip(
        grants.kind, grants.firm, grants.year, grants.batch, strict=True
    ):
        if firm.size == 0:
            continue
        year = basis_year + 1  # a title is granted the year after the fiscal year its figures describe
        if kind in ("hnte", "innovative_sme", "specialized_sme", "little_giant"):
            valid = _year_end(year + 2)
        elif kind == "provincial_rd_institution":
            valid = np.full(firm.size, np.datetime64("NaT"), dtype="datetime64[D]")
        else:
            valid = _year_end(year)
        if kind == "hnte":
            batch = rng.choice(3, size=firm.size, p=[0.35, 0.45, 0.20])
        parts.append(
            pl.DataFrame(
                {
                    "firm": pl.Series(firm, dtype=pl.Int64),
                    "type": pl.repeat(kind, firm.size, dtype=pl.String, eager=True),
                    "year_granted": pl.Series(year, dtype=pl.Int64),
                    "batch": pl.Series(batch, dtype=pl.Int64),
                    "valid_until": pl.Series(valid, dtype=pl.Date),
                }
            )
        )
    schema = {
        "firm": pl.Int64,
        "type": pl.String,
        "year_granted": pl.Int64,
        "batch": pl.Int64,
        "valid_until": pl.Date,
    }
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    type_order = {t.value: i for i, t in enumerate(TitleType)}
    frame = frame.with_columns(
        pl.col("type").replace_strict(type_order, return_dtype=pl.Int64).alias("_order")
    ).sort(["_order", "year_granted", "firm"])
    firm = frame["firm"].to_numpy()
    frame = frame.with_columns(uscc.gather(firm).alias("uscc"))

    # certificate numbers: unique per (type, year); 5 digits for HNTE, 6 for tech SMEs (wider if needed)
    type_code = frame["_order"].to_numpy()
    years = frame["year_granted"].to_numpy()
    cert = np.full(frame.height, -1, dtype=np.int64)
    for kind, space in (("hnte", 99_999), ("tech_sme", 999_999)):
        of_kind = type_code == type_order[kind]
        for year in np.unique(years[of_kind]):
            at = np.flatnonzero(of_kind & (years == year))
            cert[at] = (
                rng.choice(space if at.size <= space else 10 * at.size, size=at.size, replace=False) + 1
            )
    frame = frame.with_columns(pl.Series("_seq", cert))
    seq = pl.col("_seq").cast(pl.String)
    year_s = pl.col("year_granted").cast(pl.String)
    certificate = (
        pl.when(pl.col("type") == "hnte")
        .then(pl.concat_str([pl.lit("GR"), year_s, pl.lit("320"), seq.str.zfill(5)]))
        .when(pl.col("type") == "tech_sme")
        .then(pl.concat_str([year_s, pl.col("uscc").str.slice(2, 6), seq.str.zfill(6)]))
        .otherwise(pl.lit(""))
    )
    # documents: one string per (type, year, batch), spread to the rows
    combo = (type_code * 10_000 + years) * 10 + frame["batch"].to_numpy()
    combos, inverse = np.unique(combo, return_inverse=True)
    type_values = [t.value for t in TitleType]
    texts = [
        _DOCUMENTS[type_values[c // 100_000]].format(
            y=c // 10 % 10_000, b=_BATCH[c % 10], n=_zh_number(max(c // 10 % 10_000 - 2018, 1))
        )
        for c in combos.tolist()
    ]
    document = pl.lit(_strings(texts, inverse.ravel()))
    level = pl.col("type").replace_strict({k: str(lv) for k, lv in _LEVELS.items()}, return_dtype=pl.String)
    return frame.select(
        "uscc",
        "type",
        level.alias("level"),
        "year_granted",
        certificate.alias("certificate_no"),
        "valid_until",
        document.alias("document"),
    )


# ---------------------------------------------------------------------------------------------


def generate(n_enterprises: int = 12_000, *, seed: int = 2026, last_year: int = 2025) -> DemoCity:
    """Generate the demo city; identical arguments give identical frames."""
    if n_enterprises < 1:
        raise ValueError("n_enterprises must be at least 1")
    if last_year < _FIRST_YEAR + 5:
        raise ValueError(f"last_year must be at least {_FIRST_YEAR + 5}")
    rng = np.random.default_rng([seed, n_enterprises, last_year])
    enterprises, firms = _enterprises(rng, n_enterprises, last_year)
    rows = _figures(rng, firms, last_year)
    size = _size_class(firms, rows)
    enterprises = enterprises.with_columns(_strings(_SIZES, size).alias("size_class"))
    uscc = enterprises["uscc"]
    titles, ip = _titles(rng, firms, rows, size, enterprises["listed"].to_numpy(), uscc, last_year)
    figures = _figures_frame(rng, rows, uscc)
    return DemoCity(enterprises=enterprises, figures=figures, titles=titles, ip=ip)
