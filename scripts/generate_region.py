"""Generate the fictional example region data/example-region/ (示例县, 汇总) and its params files.

Deterministic: the same seed gives the same bytes, and a test regenerates the folder and compares.
Twelve bodies (4 街道, 4 乡镇 in the sub-region 东部片区, 4 部门) with 2021–2025 ledgers, kept small so
that the test suite stays fast. On purpose, for the 汇总 report and the office's overview:
- every body has late replies (answered more than 20 working days after receipt);
- 示例县数据局 was set up in 2022: for 2021 it has no report.yaml, and the 2021 汇总 names it as missing;
- 青石镇 has no 2025 prose (its own 2025 report cannot be built yet; its figures still count).

Run: python scripts/generate_region.py [ROOT]. `generate_bodies` also makes the regions of bench/region.py.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_example import APPLICANTS, CASE_TYPES, CHANNELS, METHODS, OUTCOMES, RESULTS, TOPICS, _write_csv

YEARS = range(2021, 2026)
SLUG = "example-region"
ROOT = Path(__file__).resolve().parents[1]
SUB = "dongbu"  # the sub-region's folder

REQUEST_HEADER = ["编号", "收到日期", "申请人类型", "申请方式", "办理结果", "答复日期", "信息处理费（元）"]
# slug, 名称, 简称, kind (sizes the volumes), first year
BODIES = (
    ("chengguan", "示例县城关街道办事处（虚构）", "城关街道", "街道", 2021),
    ("xishan", "示例县西山街道办事处（虚构）", "西山街道", "街道", 2021),
    ("nanhu", "示例县南湖街道办事处（虚构）", "南湖街道", "街道", 2021),
    ("beiyuan", "示例县北苑街道办事处（虚构）", "北苑街道", "街道", 2021),
    ("dongshan", "示例县东山镇人民政府（虚构）", "东山镇", "乡镇", 2021),
    ("qingshi", "示例县青石镇人民政府（虚构）", "青石镇", "乡镇", 2021),
    ("taohua", "示例县桃花乡人民政府（虚构）", "桃花乡", "乡镇", 2021),
    ("baiyun", "示例县白云乡人民政府（虚构）", "白云乡", "乡镇", 2021),
    ("jiaoyu", "示例县教育局（虚构）", "县教育局", "部门", 2021),
    ("ziranziyuan", "示例县自然资源局（虚构）", "县自然资源局", "部门", 2021),
    ("shichang", "示例县市场监督管理局（虚构）", "县市场监管局", "部门", 2021),
    ("shuju", "示例县数据局（虚构）", "县数据局", "部门", 2022),
)
IN_SUB = ("dongshan", "qingshi", "taohua", "baiyun")
NO_PROSE = ("qingshi", 2025)
# (proactive, requests) per year: a 部门 publishes and is asked more than a 乡镇
VOLUMES = {"街道": ((40, 80), (4, 12)), "乡镇": ((25, 50), (1, 6)), "部门": ((60, 120), (8, 20))}


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _agency_yaml(name: str, short: str, number: int) -> str:
    return (f"# 示例机构：完全虚构，仅用于演示和测试\n名称: {name}\n简称: {short}\n"
            f"地址: 示例县示范路{number}号（虚构地址）\n邮编: \"000000\"\n电话: 000-0000{number:04d}\n"
            f"电子邮箱: body{number}@example.invalid\n")


def _ledgers(rng: random.Random, kind: str, first: int, code: str) -> dict[str, tuple[list[str], list[list]]]:
    (p_low, p_high), (r_low, r_high) = VOLUMES[kind]
    years = range(first, YEARS[-1] + 1)
    proactive, requests, appeals, documents, decisions, fees, procurement = [], [], [], [], [], [], []
    for year in years:
        for _ in range(rng.randint(p_low, p_high)):
            day = _day(rng, year)
            channels = ["政府网站"] + [c for c in CHANNELS[1:4] if rng.random() < 0.4]
            normative = rng.random() < 0.03
            topic = rng.choice(TOPICS)
            title = f"关于印发{topic}工作方案的通知" if normative else f"{topic}工作动态"
            proactive.append([day.isoformat(), title, "规范性文件" if normative else "工作动态", "、".join(channels)])
        for n in range(1, rng.randint(r_low, r_high) + 1):
            received = _day(rng, year)
            # about one in six answered late: more than 20 working days (28 calendar days) after receipt
            days = rng.randint(30, 45) if rng.random() < 0.17 else rng.randint(2, 18)
            replied = received + timedelta(days=days)
            pending = replied > date(YEARS[-1], 12, 31)
            outcome = rng.choice(OUTCOMES)
            requests.append([f"{code}{year}-{n:03d}", received.isoformat(), rng.choice(APPLICANTS),
                             rng.choice(METHODS), "" if pending else outcome,
                             "" if pending else replied.isoformat(), "" if pending else "0"])
        if rng.random() < 0.5:
            filed = _day(rng, year)
            closed = filed + timedelta(days=rng.randint(40, 300))
            pending = closed > date(YEARS[-1], 12, 31)
            appeals.append([f"{code}FY{year}-01", rng.choice(CASE_TYPES), filed.isoformat(),
                            "" if pending else closed.isoformat(), "" if pending else rng.choice(RESULTS)])
        for n in range(1, rng.randint(0, 3) + 1):
            issued = _day(rng, year)
            documents.append([f"{code}发〔{year}〕{n}号", f"{rng.choice(TOPICS)}管理办法", "行政规范性文件",
                              issued.isoformat(), ""])
        for kind_ in ("行政许可", "行政处罚"):
            if rng.random() < 0.7:
                decisions.append([date(year, 12, 31).isoformat(), kind_, rng.randint(1, 40)])
        if rng.random() < 0.3:
            fees.append([_day(rng, year).isoformat(), "证书工本费", f"{rng.randint(10, 300) * 10:.2f}"])
        if rng.random() < 0.5:
            procurement.append(["办公设备采购项目", _day(rng, year).isoformat(), f"{rng.randint(5, 90) * 1000:.2f}"])
    items = []
    for kind_ in ("行政许可", "行政处罚", "行政强制"):
        for n in range(1, rng.randint(1, 5) + 1):
            established = date(2018, 1, 1) + timedelta(days=rng.randrange(365 * 3))
            cancelled = _day(rng, rng.choice(years)).isoformat() if rng.random() < 0.2 else ""
            items.append([f"{kind_}事项{n:02d}", kind_, established.isoformat(), cancelled])
    return {
        "proactive": (["发布日期", "标题", "类别", "渠道"], sorted(proactive)),
        "items": (["事项名称", "类型", "设立日期", "取消日期"], items),
        "documents": (["文号", "标题", "类型", "印发日期", "废止日期"], documents),
        "decisions": (["决定日期", "类型", "数量"], decisions),
        "fees": (["收费日期", "项目", "金额（元）"], sorted(fees)),
        "procurement": (["项目名称", "采购日期", "金额（元）"], sorted(procurement, key=lambda r: r[1])),
        "requests": (REQUEST_HEADER, requests),
        "appeals": (["编号", "类型", "立案日期", "结案日期", "结果"], appeals),
    }


def _report_yaml(rng: random.Random, year: int, body: bool) -> str:
    published = date(year + 1, 1, rng.randint(12, 28))
    facts = f"回应公众关注热点或重大舆情数: {rng.randint(0, 4)}\n" if body else ""
    return f"# {year}年度报告（虚构示例）\n发布日期: {published.isoformat()}\n{facts}"


def _narrative(who: str) -> dict[str, str]:
    return {
        "总体情况": (
            f"{{{{ 年度 }}}}年，{who}深入贯彻《中华人民共和国政府信息公开条例》，推进政务公开工作。"
            "全年主动公开政府信息{{ 主动公开政府信息数 }}条；新收政府信息公开申请{{ 本年新收申请数 }}件，"
            "上年结转{{ 上年结转申请数 }}件，办结{{ 本年办结申请数 }}件，"
            "结转下年度继续办理{{ 结转下年度申请数 }}件。"
        ),
        "存在的主要问题及改进情况": "个别申请答复超过法定期限。{{ 下一年度 }}年将建立答复期限提醒机制。",
        "其他需要报告的事项": "本年度无其他需要报告的事项。",
    }


def _year_folders(folder: Path, rng: random.Random, years: range, who: str, body: bool,
                  no_prose: int | None = None) -> None:
    for year in years:
        (folder / str(year)).mkdir(parents=True, exist_ok=True)
        (folder / str(year) / "report.yaml").write_text(_report_yaml(rng, year, body), encoding="utf-8")
        if year == no_prose:
            continue
        (folder / str(year) / "narrative").mkdir(exist_ok=True)
        for stem, text in _narrative(who).items():
            (folder / str(year) / "narrative" / f"{stem}.md").write_text(text + "\n", encoding="utf-8")


def write_body(folder: Path, rng: random.Random, number: int, name: str, short: str, kind: str, first: int,
               no_prose: int | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agency.yaml").write_text(_agency_yaml(name, short, number), encoding="utf-8")
    for stem, (header, rows) in _ledgers(rng, kind, first, f"B{number:04d}-").items():
        _write_csv(folder / f"{stem}.csv", header, rows)
    _year_folders(folder, rng, range(first, YEARS[-1] + 1), short, True, no_prose)


def _region_yaml(name: str, short: str, members: list[str]) -> str:
    lines = "".join(f"  - {m}\n" for m in members)
    return (f"# 示例片区：完全虚构\n名称: {name}\n简称: {short}\n地址: 示例县人民路1号（虚构地址）\n邮编: \"000000\"\n"
            f"电话: 000-00000000\n电子邮箱: region@example.invalid\n成员:\n{lines}")


def generate_bodies(folder: Path, count: int, seed: int = 1000) -> None:
    """A flat region of `count` fictional bodies (for bench/region.py): region.yaml, 2025 only."""
    rng = random.Random(seed)
    kinds = ["街道", "乡镇", "部门"]
    slugs = [f"b{n:04d}" for n in range(count)]
    for n, slug in enumerate(slugs):
        kind = kinds[n % 3]
        write_body(folder / "bodies" / slug, rng, n, f"基准机构{n}（虚构）", f"基准机构{n}", kind, YEARS[-1])
    (folder / "region.yaml").write_text(_region_yaml("基准县（虚构）", "基准县", [f"bodies/{s}" for s in slugs]),
                                        encoding="utf-8")
    _year_folders(folder, rng, range(YEARS[-1], YEARS[-1] + 1), "基准县", False)


def generate(root: Path) -> None:
    """Write data/example-region/ and params/example-region/ under `root`."""
    rng = random.Random(20251231)
    folder = root / "data" / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    for number, (slug, name, short, kind, first) in enumerate(BODIES, start=1):
        no_prose = NO_PROSE[1] if slug == NO_PROSE[0] else None
        write_body(folder / "bodies" / slug, rng, number, name, short, kind, first, no_prose)
    top = [f"bodies/{b[0]}" for b in BODIES if b[0] not in IN_SUB]
    (folder / "region.yaml").write_text(
        _region_yaml("示例县人民政府（虚构）", "示例县", [*top[:4], SUB, *top[4:]]), encoding="utf-8")
    _year_folders(folder, rng, YEARS, "示例县各级行政机关", False)
    (folder / SUB).mkdir(exist_ok=True)
    (folder / SUB / "region.yaml").write_text(
        _region_yaml("示例县东部片区（虚构）", "东部片区", [f"../bodies/{s}" for s in IN_SUB]), encoding="utf-8")
    _year_folders(folder / SUB, rng, YEARS, "东部片区各乡镇", False)
    params = root / "params" / SLUG
    params.mkdir(parents=True, exist_ok=True)
    for year in YEARS:
        (params / f"{year}.yaml").write_text(f"data_dir: data/{SLUG}\nyear: {year}\n", encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
