"""Generate the fictional example agency data/example/ (示例街道办事处) and its params files.

Deterministic: the same seed gives the same bytes, and a test regenerates the folder and compares.
The volumes are realistic for a 街道办事处: hundreds of published items a year, dozens of applications
with every applicant type and many outcomes, applications and cases carried across year ends, documents
issued and repealed, fees, decisions, items and procurement. Run: python scripts/generate_example.py
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

YEARS = range(2019, 2026)
SLUG = "example"
ROOT = Path(__file__).resolve().parents[1]

AGENCY = """# 示例机构：完全虚构，仅用于演示和测试（名称、地址、电话、邮箱均不存在）
名称: 示例市示例区示例街道办事处（虚构）
简称: 示例街道
地址: 示例市示例区示范路100号（虚构地址）
邮编: "000000"
电话: 000-00000000
电子邮箱: example@example.invalid
"""

CHANNELS = ["政府网站", "政务微信", "政务微博", "政务公开栏", "政府公报", "其他"]
TOPICS = ["社区养老服务", "城乡居民医保缴费", "低保对象公示", "老旧小区改造", "垃圾分类", "安全生产检查", "防汛工作",
          "就业援助", "退役军人服务", "双拥工作", "疫情防控", "文明城市创建", "消防安全", "食品安全宣传", "残疾人补贴",
          "临时救助", "社区选举", "征兵工作", "普法宣传", "环境整治"]
APPLICANTS = (["自然人"] * 70 + ["商业企业"] * 12 + ["科研机构"] * 3 + ["社会公益组织"] * 4
              + ["法律服务机构"] * 6 + ["其他"] * 5)
METHODS = ["网络"] * 6 + ["信函"] * 2 + ["当面"] * 2 + ["传真", "其他"]
OUTCOMES = (
    ["予以公开"] * 30 + ["部分公开"] * 8 + ["不予公开/属于国家秘密"] + ["不予公开/保护第三方合法权益"] * 2
    + ["不予公开/属于三类内部事务信息"] * 2 + ["不予公开/属于四类过程性信息"] * 2 + ["不予公开/属于行政查询事项"]
    + ["无法提供/本机关不掌握相关政府信息"] * 12 + ["无法提供/没有现成信息需要另行制作"] * 3
    + ["无法提供/补正后申请内容仍不明确"] * 2 + ["不予处理/信访举报投诉类申请"] * 3 + ["不予处理/重复申请"] * 2
    + ["不予处理/要求提供公开出版物"] + ["不予处理/要求行政机关确认或重新出具已获取信息"]
    + ["其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"] * 2
    + ["其他处理/其他"] * 2
)
ITEM_KINDS = {"行政许可": 6, "其他对外管理服务事项": 14, "行政处罚": 22, "行政强制": 4, "行政事业性收费": 3}
CASE_TYPES = ["行政复议"] * 3 + ["行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
RESULTS = ["维持"] * 5 + ["纠正"] * 2 + ["其他"] * 2

PROBLEMS = [
    ("部分科室对主动公开的时限要求把握不够，个别信息发布滞后", "建立信息发布时限提醒机制，对超期未发布的信息按月通报"),
    ("政策解读形式较为单一，图解、音视频解读占比偏低", "每项重要政策同步制作图解或短视频解读，提高解读的可读性"),
    ("依申请公开答复文书的说理性有待加强", "修订答复文书范本，逐项说明不予公开、无法提供的理由和依据"),
    ("政府网站部分栏目更新不及时，存在空白栏目", "开展栏目清理，合并或撤销长期无内容的栏目，明确栏目维护责任人"),
    ("基层工作人员对新修订条例的理解不够深入", "全年组织条例专题培训不少于两次，覆盖各社区工作人员"),
    ("社区政务公开栏内容更新不统一", "制定社区公开栏内容标准目录，按季度检查更新情况"),
    ("规范性文件清理工作不够及时", "每年开展一次规范性文件清理，及时公布现行有效文件目录"),
    ("政务新媒体与网站信息发布协同不足", "建立网站、政务微信、政务微博一体化发布流程"),
    ("依申请公开登记台账的填写不够规范", "统一台账模板，办结后三个工作日内完成登记，每月核对"),
    ("公众参与渠道利用率不高，意见征集反馈较少", "重要决策事项一律公开征求意见，并公布意见采纳情况"),
]


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def proactive(rng: random.Random) -> list[list[object]]:
    rows = []
    for year in YEARS:
        for _ in range(rng.randint(260, 420)):
            day = _day(rng, year)
            channels = ["政府网站"] + [c for c in CHANNELS[1:] if rng.random() < {"政务微信": 0.55,
                "政务微博": 0.25, "政务公开栏": 0.3, "政府公报": 0.02, "其他": 0.05}[c]]
            normative = rng.random() < 0.04
            topic = rng.choice(TOPICS)
            title = f"关于印发{topic}工作实施办法的通知" if normative else f"{topic}工作动态（{day.month}月）"
            rows.append([day.isoformat(), title, "规范性文件" if normative else "工作动态", "、".join(channels)])
    return sorted(rows)


def documents(rng: random.Random) -> list[list[object]]:
    rows = []
    for year in range(2016, 2026):
        for n in range(1, rng.randint(4, 9) + 1):
            issued = _day(rng, year)
            repealed = ""
            if rng.random() < 0.3:
                end = issued + timedelta(days=rng.randint(200, 2000))
                repealed = end.isoformat() if end.year <= 2025 else ""
            topic = rng.choice(TOPICS)
            rows.append([f"示街发〔{year}〕{n}号", f"示例街道{topic}管理办法", "行政规范性文件", issued.isoformat(),
                         repealed])
    return rows


def decisions(rng: random.Random) -> list[list[object]]:
    rows = []
    ranges = {"行政许可": (2, 9), "其他对外管理服务事项": (10, 40), "行政处罚": (3, 15), "行政强制": (0, 2)}
    for year in YEARS:
        for month in range(1, 13):
            for kind, (low, high) in ranges.items():
                count = rng.randint(low, high)
                if count:  # a monthly total exported from the case system, dated at month end
                    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
                    rows.append([last.isoformat(), kind, count])
    return rows


def fees(rng: random.Random) -> list[list[object]]:
    rows = []
    for year in YEARS:
        for _ in range(rng.randint(8, 20)):
            rows.append([_day(rng, year).isoformat(), rng.choice(["证书工本费", "场地占用费"]),
                         f"{rng.randint(20, 1500) * 10:.2f}"])
    return sorted(rows)


def items(rng: random.Random) -> list[list[object]]:
    rows = []
    for kind, count in ITEM_KINDS.items():
        for n in range(1, count + 1):
            established = date(2015, 1, 1) + timedelta(days=rng.randrange(365 * 4))
            cancelled = ""
            if rng.random() < 0.25:
                cancelled = (date(2019, 1, 1) + timedelta(days=rng.randrange(365 * 7))).isoformat()
            rows.append([f"{kind}事项{n:02d}", kind, established.isoformat(), cancelled])
        for year in YEARS:  # new items in later years
            if rng.random() < 0.3:
                rows.append([f"{kind}新增事项{year}", kind, _day(rng, year).isoformat(), ""])
    return rows


def procurement(rng: random.Random) -> list[list[object]]:
    rows = []
    for year in YEARS:
        for _ in range(rng.randint(2, 6)):
            kind = rng.choice(["办公设备", "社区服务", "环境整治", "物业服务"])
            rows.append([f"{kind}采购项目", _day(rng, year).isoformat(), f"{rng.randint(5, 200) * 1000:.2f}"])
    return sorted(rows, key=lambda r: r[1])


def requests(rng: random.Random) -> list[list[object]]:
    rows = []
    for year in YEARS:
        for n in range(1, rng.randint(25, 70) + 1):
            received = _day(rng, year)
            if rng.random() < 0.1:  # a few late in December, so that they cross the year end
                received = date(year, 12, rng.randint(15, 31))
            days = rng.choice([rng.randint(3, 20)] * 8 + [rng.randint(21, 40)] * 2)
            replied = received + timedelta(days=days)
            outcome = rng.choice(OUTCOMES)
            fee = "0"
            if outcome in ("予以公开", "部分公开") and rng.random() < 0.05:
                fee = f"{rng.choice([100, 200, 350]):.2f}"
            pending = replied > date(2025, 12, 31)
            rows.append([
                f"YSQ{year}-{n:03d}", received.isoformat(), rng.choice(APPLICANTS), rng.choice(METHODS),
                "" if pending else outcome, "" if pending else replied.isoformat(), "" if pending else fee,
            ])
    return rows


def appeals(rng: random.Random) -> list[list[object]]:
    rows = []
    for year in YEARS:
        for n in range(1, rng.randint(1, 4) + 1):
            filed = _day(rng, year)
            closed = filed + timedelta(days=rng.randint(40, 300))
            pending = closed > date(2025, 12, 31)
            rows.append([f"FY{year}-{n:02d}", rng.choice(CASE_TYPES), filed.isoformat(),
                         "" if pending else closed.isoformat(), "" if pending else rng.choice(RESULTS)])
    return rows


def report_yaml(rng: random.Random, year: int) -> str:
    published = date(year + 1, 1, rng.randint(12, 28))
    return (
        f"# {year}年度报告（虚构示例）\n发布日期: {published.isoformat()}\n"
        f"回应公众关注热点或重大舆情数: {rng.randint(2, 9)}\n"
        "附录: [本年制发规范性文件目录]\n"
    )


def narrative(rng: random.Random, year: int) -> dict[str, str]:
    first, second = rng.sample(PROBLEMS, 2)
    focus = rng.sample(TOPICS, 3)
    return {
        "总体情况": (
            f"{{{{ 年度 }}}}年，示例街道办事处（虚构）深入贯彻《中华人民共和国政府信息公开条例》，"
            "围绕群众关切推进政务公开工作。\n\n"
            f"（一）主动公开。全年主动公开政府信息{{{{ 主动公开政府信息数 }}}}条，其中通过政务微信公开"
            f"{{{{ 政务微信公开政府信息数 }}}}条。重点公开了{focus[0]}、{focus[1]}和{focus[2]}等信息。"
            "本年制发行政规范性文件{{ 本年制发规范性文件数 }}件，废止{{ 本年废止规范性文件数 }}件，"
            "现行有效{{ 现行有效规范性文件数 }}件。\n\n"
            "（二）依申请公开。本年新收政府信息公开申请{{ 本年新收申请数 }}件，上年结转{{ 上年结转申请数 }}件；"
            "办结{{ 本年办结申请数 }}件，其中予以公开{{ 予以公开数 }}件，占{{ 予以公开占比 }}%；"
            "结转下年度继续办理{{ 结转下年度申请数 }}件。"
            "{% if 行政复议数 > 0 %}涉及政府信息公开的行政复议{{ 行政复议数 }}件，其中被纠错{{ 行政复议纠正数 }}件。"
            "{% endif %}\n\n"
            "（三）政府信息管理。严格执行公开前保密审查，动态更新政府信息公开目录。\n\n"
            "（四）政府信息公开平台建设。以政府网站为第一平台，政务新媒体和社区政务公开栏同步发布。\n\n"
            "（五）监督保障。将政务公开纳入年度绩效考核，全年开展专项检查。"
        ),
        "存在的主要问题及改进情况": (
            f"一是{first[0]}。二是{second[0]}。\n\n"
            f"{{{{ 下一年度 }}}}年，我街道将{first[1]}；{second[1]}。"
        ),
        "其他需要报告的事项": "本年度无其他需要报告的事项。",
    }


def generate(root: Path) -> None:
    """Write data/example/ and params/example/ under `root`."""
    rng = random.Random(20191231)
    folder = root / "data" / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agency.yaml").write_text(AGENCY, encoding="utf-8")
    _write_csv(folder / "proactive.csv", ["发布日期", "标题", "类别", "渠道"], proactive(rng))
    _write_csv(folder / "documents.csv", ["文号", "标题", "类型", "印发日期", "废止日期"], documents(rng))
    _write_csv(folder / "decisions.csv", ["决定日期", "类型", "数量"], decisions(rng))
    _write_csv(folder / "fees.csv", ["收费日期", "项目", "金额（元）"], fees(rng))
    _write_csv(folder / "items.csv", ["事项名称", "类型", "设立日期", "取消日期"], items(rng))
    _write_csv(folder / "procurement.csv", ["项目名称", "采购日期", "金额（元）"], procurement(rng))
    request_header = ["编号", "收到日期", "申请人类型", "申请方式", "办理结果", "答复日期", "信息处理费（元）"]
    _write_csv(folder / "requests.csv", request_header, requests(rng))
    _write_csv(folder / "appeals.csv", ["编号", "类型", "立案日期", "结案日期", "结果"], appeals(rng))
    params = root / "params" / SLUG
    params.mkdir(parents=True, exist_ok=True)
    for year in YEARS:
        (folder / str(year) / "narrative").mkdir(parents=True, exist_ok=True)
        (folder / str(year) / "report.yaml").write_text(report_yaml(rng, year), encoding="utf-8")
        for stem, text in narrative(rng, year).items():
            (folder / str(year) / "narrative" / f"{stem}.md").write_text(text + "\n", encoding="utf-8")
        (params / f"{year}.yaml").write_text(f"data_dir: data/{SLUG}\nyear: {year}\n", encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
