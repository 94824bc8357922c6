"""Chinese names of the facts a rule reads, for notes such as "缺少数据：2021年营业收入" (field ids stay in
the contract's ``missing`` list; only the human text is translated)."""

from __future__ import annotations

YEAR_FIELD_LABELS = {
    "sales_revenue": "销售收入",
    "operating_revenue": "营业收入",
    "main_business_revenue": "主营业务收入",
    "rd_expense": "研发费用",
    "rd_expense_domestic": "境内研发费用",
    "high_tech_revenue": "高新技术产品（服务）收入",
    "total_cost": "成本费用总额",
    "total_income": "收入总额",
    "total_assets": "资产总额",
    "total_liabilities": "负债总额",
    "net_assets": "净资产",
}

FIELD_LABELS = {
    "employees": "职工总数",
    "tech_staff": "科技人员数",
    "rd_staff": "研发人员数",
    "registered_on": "注册（成立）日期",
    "clean_record": "无重大安全质量事故、环境违法及失信记录",
    "in_priority_field": "是否属于国家重点支持的高新技术领域",
    "hnte_valid": "是否为有效期内高新技术企业",
    "innovative_sme_valid": "是否为有效期内创新型中小企业",
    "specialized_sme_valid": "是否为有效期内专精特新中小企业",
    "hnte_expert_scores.ip": "知识产权评分（专家）",
    "hnte_expert_scores.conversion": "科技成果转化评分（专家）",
    "hnte_expert_scores.rd_management": "研发组织管理评分（专家）",
    "ip.class_i": "Ⅰ类知识产权数",
    "ip.class_ii": "Ⅱ类知识产权数",
    "ip.class_i_high_value": "高价值Ⅰ类知识产权数",
    "ip.class_i_self_developed": "自主研发的Ⅰ类知识产权数",
    "niche_years": "从事细分市场年限",
    "market_share": "细分市场占有率",
    "market_rank": "细分市场排名",
    "specialized_score": "专精特新发展评价得分",
    "key_chain_link": "是否属于产业链关键环节",
    "strategic_emerging": "是否属于战略性新兴产业",
    "own_brand": "是否拥有自主品牌",
    "quality_certified": "是否通过质量管理体系认证",
    "rd_institution": "是否设立研发机构",
    "listed": "是否上市",
    "equity_financing_2y": "近2年股权融资额",
    "equity_financing_3y": "近3年股权融资额",
    "valuation_usd": "最新一轮估值（美元）",
    "direct.honour_valid": "有效期内的技术创新示范企业或知识产权优势企业称号",
    "direct.led_standard_5y": "近5年主导制定国际或国家（行业）标准",
    "direct.maker_china_500_3y": "近3年获“创客中国”大赛500强",
    "direct.maker_china_50_3y": "近3年获“创客中国”大赛50强",
    "direct.ministerial_rd_institution": "拥有省部级以上研发机构",
    "direct.national_award_top3_3y": "近3年获国家级科技奖励（前三名）",
    "direct.national_award_top3_5y": "近5年获国家级科技奖励（前三名）",
    "direct.sci_award_3y": "近3年获省级以上科技奖励",
    "direct.sci_award_rank_3y": "近3年获省级以上科技奖励并排名靠前",
}


def field_label(name: str) -> str:
    """'years.2021.operating_revenue' → '2021年营业收入'; unknown names are returned unchanged."""
    if name.startswith("years."):
        _, year, field = name.split(".", 2)
        return f"{year}年{YEAR_FIELD_LABELS.get(field, field)}"
    return FIELD_LABELS.get(name, name)


DIRECT_LABELS = {
    "hnte_valid": "有效期内高新技术企业",
    "equity_financing_2y": "近2年获股权融资",
    "equity_financing_3y": "近3年获股权融资",
    "rd_2y_avg": "近2年研发费用达标",
    "honour_valid": "技术创新示范或知识产权优势企业",
    "led_standard_5y": "主导制定标准",
    "maker_china_500_3y": "创客中国500强",
    "maker_china_50_3y": "创客中国50强",
    "ministerial_rd_institution": "省部级以上研发机构",
    "national_award_top3_3y": "国家级科技奖励",
    "national_award_top3_5y": "国家级科技奖励",
    "sci_award_3y": "省级以上科技奖励",
    "sci_award_rank_3y": "省级以上科技奖励",
}


def route_label(route: str | None) -> str:
    """How a programme was met, in plain Chinese: 'score' → '评分达标', 'direct:hnte_valid' → '直通：有效期内高新技术企业'."""
    if not route:
        return ""
    if route.startswith("direct:"):
        name = route.split(":", 1)[1]
        return "直通：" + DIRECT_LABELS.get(name, FIELD_LABELS.get(f"direct.{name}", name))
    return {"score": "评分达标", "criteria": "各项条件均满足"}.get(route, route)
