"""Benchmark: the fact-extraction pipeline on scraped pages of about 5,000 characters.

    python -m bench.bench_extract [--documents 500]

Builds synthetic pages (a boilerplate header and footer around report paragraphs whose figures,
places and companies vary with a seeded generator), runs `kechuang.extraction.extract` on each on
one core and prints documents/s, characters/s and facts per document. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import time

from kechuang.extraction import extract

_HEADER = (
    "当前位置：首页 > 新闻中心 > 科技动态 > 正文\n{place}科技创新工作取得新进展\n"
    "发布时间：2024-0{month}-1{day} 09:30  来源：{place}科技局  浏览次数：{views}\n"
    "【字体：大 中 小】 【打印】 【关闭】 分享到：微信 微博\n"
)
_FOOTER = (
    "（责任编辑：王明）\n【打印本页】 【关闭窗口】\n相关文章\n· {place}新增科技型中小企业{n}家\n"
    "· {place}召开科技工作会议\n联系电话：0514-8765 4321  地址：{place}文昌路1号\n"
    "Copyright © 2024 {place}人民政府 版权所有 苏ICP备12345678号\n"
)
_PARAS = (
    "{year}年，{city}科技系统深入实施创新驱动发展战略，全市高新技术企业总数达到{a}家，净增{b}家，同比增长{p1}%；"
    "入库科技型中小企业{c}家，总数居全省第{r}位。",
    "1-{m}月，全市规模以上工业企业研发投入达{m1}亿元，同比增长{p2}%，研发投入占营业收入比重为{p3}%，"
    "较上年同期提高{pp}个百分点。",
    "{company}有限公司去年实现营业收入{m2}亿元，研发投入{m3}亿元，拥有有效发明专利{c2}余件。"
    "“今年公司计划投资{m4}亿元建设二期项目，达产后年产能将提升至{c3}万片。”公司董事长说。",
    "截至{m}月底，全市万人发明专利拥有量达到{pp}件，技术合同成交额{m1}亿元，新建省级工程技术研究中心{b}家、"
    "省级重点实验室{r}家，{uni}大学与{city}共建的{city}产业技术研究院累计孵化企业{c2}家。",
    "{year}年，{city}将力争新认定高新技术企业{a}家以上，技术合同成交额突破{m2}亿元，对新认定的市级中试基地"
    "给予最高{r}00万元补助，按设备投资额的{r}%至{pp}%给予补助。",
    "{district}高新技术企业净增{b}家，净增数居全市首位；{district}科创港新增入驻企业{c2}家，孵化面积扩大至{pp}万平方米，"
    "组建科技特派员服务团队{r}支，举办对接活动十余场次，邀请专家三十余人。",
)

_PROSE = (
    "{city}坚持把科技创新摆在发展全局的核心位置，紧扣产业科创名城建设目标，聚焦主导产业集群和新兴产业链，"
    "持续完善“企业出题、院所答题、政府助题”的协同创新机制，推动创新链产业链资金链人才链深度融合。",
    "在回答记者提问时，有关负责人表示，下一步将持续优化创新生态，强化企业科技创新主体地位，加快关键核心技术攻关，"
    "推动更多科技成果就地转化，为高质量发展提供有力的科技支撑。",
    "{district}围绕高端装备、新材料和生物医药等领域，组织开展“揭榜挂帅”和产学研对接活动，引导龙头企业牵头组建"
    "创新联合体，带动上下游中小企业协同攻关，区域创新体系更加完善。",
    "会议强调，要深入落实创新驱动发展战略，坚持问题导向和目标导向，强化政策集成和服务保障，全力营造尊重知识、"
    "尊重人才、尊重创新的良好氛围。",
)


def page(rng: random.Random) -> str:
    city = rng.choice(["扬州市", "泰州市", "镇江市", "南通市"])
    district = rng.choice(["江都区", "邗江区", "广陵区", "仪征市"])
    values = dict(
        year=rng.choice([2022, 2023, 2024]),
        city=city,
        district=district,
        company=rng.choice(["扬州晶华新材料科技", "泰州恒力精密机械", "镇江华瑞生物医药"]),
        uni=rng.choice(["扬州", "江苏", "南京"]),
        a=rng.randint(200, 3000),
        b=rng.randint(5, 400),
        c=rng.randint(300, 5000),
        c2=rng.randint(10, 2000),
        c3=rng.randint(5, 90),
        r=rng.randint(2, 9),
        m=rng.randint(2, 11),
        m1=round(rng.uniform(5, 900), 1),
        m2=round(rng.uniform(5, 900), 1),
        m3=round(rng.uniform(1, 50), 2),
        m4=round(rng.uniform(1, 30), 1),
        p1=round(rng.uniform(1, 40), 1),
        p2=round(rng.uniform(1, 40), 1),
        p3=round(rng.uniform(1, 9), 2),
        pp=round(rng.uniform(0.1, 15), 2),
    )
    paras = [
        rng.choice(_PARAS if rng.random() < 0.55 else _PROSE).format(**values)
        for _ in range(rng.randint(46, 60))
    ]
    return (
        _HEADER.format(
            place=city, month=rng.randint(1, 9), day=rng.randint(0, 9), views=rng.randint(100, 9999)
        )
        + "\n".join(paras)
        + "\n"
        + _FOOTER.format(place=city, n=rng.randint(10, 500))
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=500, help="how many pages (default 500)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = [page(rng) for _ in range(args.documents)]
    chars = sum(len(d) for d in docs)
    extract(docs[0])  # warm the regex caches
    started = time.perf_counter()
    facts = sum(len(extract(d, doc=f"bench_{i}.txt").facts) for i, d in enumerate(docs))
    seconds = time.perf_counter() - started
    print(f"extract: {len(docs)} documents, {chars / len(docs):,.0f} characters each on average")
    print(
        f"  {len(docs) / seconds:,.1f} documents/s, {chars / seconds:,.0f} characters/s, "
        f"{facts / len(docs):.1f} facts per document ({seconds:.2f} s)"
    )


if __name__ == "__main__":
    main()
