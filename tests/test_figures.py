"""Counting rules of spec/ledgers.md on tiny hand-made ledgers, at their boundaries."""

from __future__ import annotations

import pytest

from ogi_report.figures import compute, wan_yuan
from ogi_report.ledgers import load_agency_data

REQ_HEADER = "编号,收到日期,申请人类型,申请方式,办理结果,答复日期\n"


def figures(agency, ledgers, year, facts=""):
    folder = agency(ledgers, {year: f"发布日期: {year + 1}-01-10\n{facts}"})
    data = load_agency_data(folder, year)
    return compute(data.ledgers, data.year_facts.facts, year)


def test_proactive_counts_by_year_of_publication_once_per_item(agency):
    text = ("发布日期,标题,类别,渠道\n"
            "2016-12-31,旧年末,,政府网站\n"
            "2017-01-01,新年初,规范性文件,政府网站、政务微信、政务公开栏\n"
            "2017-12-31,年末,,政务微博\n"
            "2018-01-01,次年,,政府网站\n")
    f = figures(agency, {"proactive": text}, 2017)
    assert f["proactive.total"] == 2  # 2017-01-01 and 2017-12-31, the three-channel item once
    assert f["proactive.normative"] == 1
    assert f["proactive.channel.政府网站"] == 1
    assert f["proactive.channel.政务微信"] == 1
    assert f["proactive.channel.政务微博"] == 1
    assert f["proactive.channel.政务公开栏"] == 1


def test_requests_new_carry_in_replies_and_carry_out_at_year_ends(agency):
    text = REQ_HEADER + (
        "R1,2020-12-31,自然人,网络,予以公开,2021-01-04\n"   # carried into 2021, replied in 2021
        "R2,2020-12-20,商业企业,信函,予以公开,2020-12-31\n"  # replied on 31 Dec 2020: not carried
        "R3,2021-01-01,自然人,当面,不予公开/属于国家秘密,2021-01-15\n"
        "R4,2021-12-31,科研机构,网络,,\n"                    # pending at year end: carried out
        "R5,2021-12-30,自然人,网络,其他处理/其他,2022-01-05\n"  # replied next year: carried out
        "R6,2019-06-01,法律服务机构,网络,,\n"                 # pending for years: carried in and out
    )
    f = figures(agency, {"requests": text}, 2021)
    assert f["requests.received.总计"] == 3
    assert f["requests.received.自然人"] == 2
    assert f["requests.carried_in.总计"] == 2  # R1 and R6
    assert f["requests.carried_in.法律服务机构"] == 1
    assert f["requests.replied.予以公开.自然人"] == 1  # R1
    assert f["requests.replied.不予公开/属于国家秘密.自然人"] == 1
    assert f["requests.replied.不予公开.总计"] == 1  # the group is the sum of its items
    assert f["requests.replied.总计.总计"] == 2
    assert f["requests.carried_out.总计"] == 3  # R4, R5, R6
    assert f["requests.method.网络"] == 2  # R4, R5 received in 2021
    # O1 per column holds by construction
    assert f["requests.received.总计"] + f["requests.carried_in.总计"] == (
        f["requests.replied.总计.总计"] + f["requests.carried_out.总计"])


def test_trial_format_other_handling_sums_its_three_items(agency):
    text = REQ_HEADER + (
        "R1,2020-03-01,自然人,,其他处理/其他,2020-03-05\n"
        "R2,2020-03-01,自然人,,其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请,2020-03-05\n"
    )
    f = figures(agency, {"requests": text}, 2020)
    assert f["requests.replied.其他处理.自然人"] == 2


APPEALS = ("编号,类型,立案日期,结案日期,结果\n"
           "F1,行政复议,2020-11-01,2021-02-01,纠正\n"
           "F2,行政诉讼（未经复议直接起诉）,2021-05-01,,\n"
           "F3,行政诉讼（复议后起诉）,2021-06-01,2021-12-31,维持\n"
           "F4,行政复议,2019-01-01,2020-12-31,维持\n")


def test_appeals_pending_at_year_end_then_counted_in_the_year_they_close(agency):
    f2020 = figures(agency, {"appeals": APPEALS}, 2020)
    assert f2020["appeals.行政复议.尚未审结"] == 1  # F1 still open on 31 Dec 2020
    assert f2020["appeals.行政复议.维持"] == 1  # F4 closed on 31 Dec 2020
    assert f2020["appeals.行政复议.总计"] == 2
    f2021 = figures(agency, {"appeals": APPEALS}, 2021)
    assert f2021["appeals.行政复议.纠正"] == 1  # F1 closed in 2021
    assert f2021["appeals.行政复议.总计"] == 1  # F4 closed before 2021: not counted
    assert f2021["appeals.行政诉讼（未经复议直接起诉）.尚未审结"] == 1
    assert f2021["appeals.行政诉讼（复议后起诉）.维持"] == 1
    assert f2021["appeals.行政诉讼.总计"] == 2


def test_documents_issued_repealed_and_in_force(agency):
    text = ("文号,标题,类型,印发日期,废止日期\n"
            "D1,甲,规范性文件,2019-05-01,2021-01-01\n"
            "D2,乙,行政规范性文件,2021-12-31,\n"
            "D3,丙,规章,2020-01-01,2021-12-31\n"
            "D4,丁,规章,2022-01-01,\n")
    f = figures(agency, {"documents": text}, 2021)
    assert f["documents.issued.行政规范性文件"] == 1
    assert f["documents.repealed.行政规范性文件"] == 1
    assert f["documents.in_force.行政规范性文件"] == 1  # D2; D1 repealed within 2021
    assert f["documents.repealed.规章"] == 1
    assert f["documents.in_force.规章"] == 0  # D3 repealed on 31 Dec, D4 not yet issued
    assert f["documents.issued.all"] == 1


def test_decisions_default_count_and_fees_in_wan_yuan(agency):
    decisions = "决定日期,类型,数量\n2021-01-31,行政许可,120\n2021-02-01,行政许可,\n2020-12-31,行政许可,9\n"
    fees = "收费日期,项目,金额（元）\n2021-03-01,工本费,12345\n2021-04-01,工本费,5\n"
    f = figures(agency, {"decisions": decisions, "fees": fees}, 2021)
    assert f["decisions.行政许可"] == 121
    assert f["fees.total_wan"] == 1.24  # 12350 元 = 1.235 万元, rounded half-up


@pytest.mark.parametrize(("yuan", "wan"), [(0, 0.0), (50, 0.01), (49.99, 0.0), (12345, 1.23), (12350, 1.24)])
def test_wan_yuan_rounds_half_up(yuan, wan):
    assert wan_yuan(yuan) == wan


def test_staff_total_is_full_time_plus_part_time(agency):
    f = figures(agency, {"proactive": "发布日期,标题,类别,渠道\n"}, 2017, "专职人员数: 1\n兼职人员数: 2\n")
    assert f["staff.total"] == 3
