"""Published files are untrusted: hostile or broken ones give UnreadableReport or a problem, never a hang,
a crash, an expanded entity or a read outside the given file. Also hand-written pages in the styles of
real portals (tests/audit_fixtures/handmade/), whose cells are checked one by one."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from ogi_report.audit.document import MAX_TABLE_CELLS
from ogi_report.audit.interpret import NO_TABLES
from ogi_report.audit.readers import MAX_HTML_BYTES, UnreadableReport, read_report

HANDMADE = Path(__file__).parent / "audit_fixtures" / "handmade"
SECRET = "TOP-SECRET-LINE-7f3a"
TABLE = "<table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>{}</td></tr></table>"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def page(tmp_path: Path, body: str, name: str = "p.html", head: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f"{head}<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    return path


# ---- hand-written portal pages -------------------------------------------------------------------------

def test_county_portal_page_in_layout_tables_with_word_pasted_tables():
    report = read_report(HANDMADE / "county-trs-2022.html")  # GBK, TRS_Editor, <p><span> in cells
    assert (report.format_id, report.year, report.published) == ("2021", 2022, "2023-01-19")
    assert report.agency == "示例县农业农村局"
    assert len(report.cells) == 200 and report.missing == [] and report.unrecognised == []
    value = {(c.row, c.column): c.value for c in report.cells}
    assert value[("行政规范性文件", "现行有效件数")] == 25          # full-width ２５
    assert value[("行政许可", "本年处理决定数量")] == 1208           # 1,208
    assert value[("行政强制", "本年处理决定数量")] is None           # —
    assert value[("行政事业性收费", "本年收费金额（单位：万元）")] == 5.2  # 52000元
    assert value[("部分公开", "自然人")] == 1                       # label with <br> and its note
    assert value[("不予公开/属于国家秘密", "总计")] is None          # /
    assert value[("不予公开/保护第三方合法权益", "总计")] == 1
    assert value[("其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "自然人")] == 1
    assert value[("一、本年新收政府信息公开申请数量", "科研机构")] is None  # blank is not 0
    assert value[("四、结转下年度继续办理", "总计")] == 2
    assert value[("行政复议", "尚未审结")] == 1                      # 尚未<br>审结
    assert value[("行政诉讼/复议后起诉", "结果维持")] == 1
    assert value[("行政诉讼/未经复议直接起诉", "总计")] is None
    assert "伪造的文字" not in report.text  # a script's document.write is never run
    assert report.sections["六、其他需要报告的事项"].startswith("本机关2022年度未收取信息处理费")


def test_township_page_with_two_indicators_per_row_and_yuan():
    report = read_report(HANDMADE / "township-customary-2016.html")  # nested layout tables
    assert (report.format_id, report.year, report.published) == ("customary", 2016, "2017-03-20")
    value = {c.row: c.value for c in report.cells}
    assert value["主动公开政府信息数（不同渠道和方式公开相同信息计1条）"] == 156
    assert value["同意公开答复数"] == 2 and value["不同意公开答复数"] == 1
    assert value["政府信息公开专项经费"] == 2  # 20,000 in a 元 column → 万元
    assert value["政务公开栏公开政府信息数"] is None and value["政府公报公开政府信息数"] is None
    assert len(report.cells) == 24 and len(report.missing) == 20  # rows the body left out are missing
    assert report.unrecognised == []


def test_an_unknown_row_is_reported_with_what_was_found(tmp_path):
    body = ("<table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>3</td></tr>"
            "<tr><td>行政确认</td><td>7</td></tr></table>")
    report = read_report(page(tmp_path, body))
    assert report.value("二、主动公开政府信息情况", "行政许可", "本年处理决定数量") == 3
    assert [(u.where, u.text) for u in report.unrecognised] == [("第1个表格第3行", "行政确认 | 7")]


# ---- hostile and broken files ----------------------------------------------------------------------------

def test_huge_spans_are_capped_not_expanded(tmp_path):
    body = ('<table><tr><td colspan="100000000">信息内容</td><td rowspan="2147483647">本年处理决定数量</td></tr>'
            "<tr><td>行政许可</td><td>5</td></tr></table>")
    report = read_report(page(tmp_path, body))
    assert any("跨" in p for p in report.problems)


def test_a_table_beyond_the_cell_cap_is_a_problem(tmp_path):
    side = int(MAX_TABLE_CELLS ** 0.5) + 10
    row = "<tr>" + "<td>1</td>" * side + "</tr>"
    big = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr>" + row * side + "</table>"
    report = read_report(page(tmp_path, big + TABLE.format(4)))
    assert any("超过读取上限" in p for p in report.problems)
    assert report.value("二、主动公开政府信息情况", "行政许可", "本年处理决定数量") == 4


def test_entities_in_html_are_not_expanded_nor_loaded(tmp_path, secret):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    head = (f'<!DOCTYPE html [<!ENTITY l0 "ha">{laughs}<!ENTITY xxe SYSTEM "file://{secret}">]>')
    path = page(tmp_path, "<p>&l9;</p><p>&xxe;</p>" + TABLE.format(2), head=head)
    report = read_report(path)
    assert SECRET not in report.text
    assert len(report.text) < 10_000
    assert report.value("二、主动公开政府信息情况", "行政许可", "本年处理决定数量") == 2


def test_frames_objects_and_links_are_not_followed(tmp_path, secret):
    body = (f'<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object>'
            f'<link rel="import" href="file://{secret}"><img src="file://{secret}">' + TABLE.format(1))
    report = read_report(page(tmp_path, body))
    assert SECRET not in report.text


def test_deep_nesting_does_not_crash(tmp_path):
    report = read_report(page(tmp_path, "<div>" * 100_000 + "x" + "</div>" * 100_000 + TABLE.format(1)))
    assert report.source == "p.html"


def test_a_file_larger_than_the_cap_is_refused(tmp_path):
    path = tmp_path / "big.html"
    with path.open("wb") as f:
        f.truncate(MAX_HTML_BYTES + 1)
    with pytest.raises(UnreadableReport, match="超过读取上限"):
        read_report(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.html", b"", "空"),
    ("report.xls", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
    ("fake.docx", b"PK\x03\x04 not really a zip", "不是有效的 Word"),
    ("fake.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "PDF"),
    ("notpdf.pdf", b"<html>a page saved as .pdf</html>", "不是 PDF"),
])
def test_broken_files_are_unreadable_with_a_chinese_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableReport, match=message) as info:
        read_report(path)
    assert name in str(info.value)


def test_a_folder_is_not_a_report(tmp_path):
    (tmp_path / "x.html").mkdir()
    with pytest.raises(UnreadableReport, match="不是文件"):
        read_report(tmp_path / "x.html")


def _pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_without_text_layer_says_so(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf())
    with pytest.raises(UnreadableReport, match="没有文字层"):
        read_report(path)


def test_a_truncated_pdf_is_unreadable(tmp_path):
    raw = _pdf(3)
    path = tmp_path / "cut.pdf"
    path.write_bytes(raw[: len(raw) // 3])
    with pytest.raises(UnreadableReport):
        read_report(path)


def _docx(document_xml: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    word = docx.Document()
    word.add_paragraph("示例2023年政府信息公开工作年度报告")
    table = word.add_table(rows=2, cols=2)
    for cell, text in zip([*table.rows[0].cells, *table.rows[1].cells], ["信息内容", "本年处理决定数量", "行政许可", "6"],
                          strict=True):
        cell.text = text
    buffer = io.BytesIO()
    word.save(buffer)
    if document_xml is None and not extra:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def test_a_plain_docx_is_read(tmp_path):
    path = tmp_path / "ok.docx"
    path.write_bytes(_docx())
    report = read_report(path)
    assert report.value("二、主动公开政府信息情况", "行政许可", "本年处理决定数量") == 6
    assert report.year == 2023


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_docx_with_entities_is_refused(tmp_path, doctype):
    xml = _docx_xml()
    head, rest = xml.split(b"?>", 1)
    path = tmp_path / "evil.docx"
    path.write_bytes(_docx(head + b"?>" + doctype + rest))
    with pytest.raises(UnreadableReport, match="DTD"):
        read_report(path)


def _docx_xml() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_docx())) as z:
        return z.read("word/document.xml")


def test_zip_bomb_docx_is_refused(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx(extra={"word/media/bomb.bin": b"\0" * (70 * 1024 * 1024)}))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(UnreadableReport, match="压缩炸弹"):
        read_report(path)


def test_a_docx_without_document_part_is_refused(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    path = tmp_path / "empty.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(UnreadableReport, match=r"document\.xml"):
        read_report(path)


@pytest.mark.parametrize("raw", [
    b"   ", b"<?xml version='1.0' encoding='gbk'?><html><body><p>x</p></body></html>", b"\x00\x00<p>a\x00b</p>",
    "<html><body>\ud800</body></html>".encode("utf-8", "surrogatepass"), b"\xff\xfe<\x00p\x00>\x00",
    b"<table><tr><td rowspan='0'>a</td><td colspan='-5'>b</td><td colspan='x'>c</td></tr></table>",
])
def test_odd_pages_are_read_without_crashing(tmp_path, raw):
    path = tmp_path / "odd.html"
    path.write_bytes(raw)
    report = read_report(path)
    assert report.cells == [] and report.format_id is None
    assert report.problems == [NO_TABLES]


def test_a_value_narrower_than_its_header_and_a_title_with_the_site_name(tmp_path):
    body = ('<table><tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
            "<tr><td>行政许可</td><td>12</td><td></td><td></td></tr></table>")
    path = page(tmp_path, body, head="")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "<head>", "<head><title>示例局2023年政府信息公开工作年度报告_示例市人民政府门户网站</title>"), encoding="utf-8")
    report = read_report(path)
    assert report.value("二、主动公开政府信息情况", "行政许可", "本年处理决定数量") == 12
    assert report.unrecognised == []
    assert report.title == "示例局2023年政府信息公开工作年度报告"
    assert report.agency == "示例局"


def test_many_tables_together_are_capped(tmp_path):
    from ogi_report.audit.document import MAX_DOCUMENT_CELLS

    one = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr>" + "<tr><td>规章</td><td>1</td></tr>" * 99 + "</table>"
    count = MAX_DOCUMENT_CELLS // 200 + 5
    report = read_report(page(tmp_path, one * count))
    assert sum("全文读取上限" in p for p in report.problems) == 1


def test_the_publication_date_comes_before_other_dates_of_the_page(tmp_path):
    head = ('<meta name="lastmodifiedtime" content="2024-05-01"><meta name="created" content="2023-12-30">'
            '<meta name="PubDate" content="2024-01-18 09:00">')
    path = page(tmp_path, TABLE.format(1))
    path.write_text(path.read_text(encoding="utf-8").replace("<head>", f"<head>{head}"), encoding="utf-8")
    assert read_report(path).published == "2024-01-18"


def test_inline_tags_do_not_split_a_sentence(tmp_path):
    body = "<div><p>一、总体情况</p><p>本年收到申请<font color='red'>59</font>件，<span>办结</span><b>58</b>件。</p></div>" + TABLE.format(1)
    report = read_report(page(tmp_path, body))
    assert "本年收到申请59件，办结58件。" in report.text.split("\n")


def test_county_page_without_the_vertical_label_column_and_with_variant_spellings(tmp_path):
    """The same page as many portals lay table 三 out: no 三、本年度办理结果 column, 其它 for 其他."""
    import re

    text = (HANDMADE / "county-trs-2022.html").read_bytes().decode("gbk")
    text = re.sub(r'<td rowspan="22"[^>]*>.*?</td>', "", text, count=1, flags=re.S)
    text = text.replace('colspan="3"', 'colspan="2"').replace(">其他<", ">其它<")
    path = tmp_path / "variant.html"
    path.write_text(text.replace("charset=gbk", "charset=utf-8"), encoding="utf-8")
    report = read_report(path)
    original = read_report(HANDMADE / "county-trs-2022.html")
    assert [(c.table, c.row, c.column, c.value) for c in report.cells] == [
        (c.table, c.row, c.column, c.value) for c in original.cells]
    assert report.unrecognised == []
