"""`ogi-report init`: create a ready-to-fill agency folder.

Holds the generator of agency.yaml, <year>/report.yaml, one narrative draft per prose part of the
year's format, and one .xlsx template per ledger. The templates' drop-down lists come from the same
vocabulary the validator uses (ledgers._allowed), never from a second list.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from .editions import EDITIONS
from .formats import default_format_id, get_format
from .ledgers import LEDGERS, Column, _allowed, _allowed_text

_KIND_HELP = {
    "key": "编号，每行唯一，不得重复",
    "text": "文字",
    "date": "日期，如 2021-03-05",
    "enum": "从下拉列表中选择",
    "channels": "从下拉列表中选择；多个渠道用顿号“、”分隔",
    "count": "整数",
    "days": "非负整数（工作日数）；不填按 0",
    "amount": "金额（元），数字，可有两位小数",
}
_INLINE_LIMIT = 255  # Excel's limit for a list typed into the validation itself


def _agency_yaml(name: str, short: str) -> str:
    return (
        "# 机构基本信息：请逐项核对填写\n"
        f"名称: {name}  # 机构全称，与公章一致\n"
        f"简称: {short}  # 简称，用于报告正文\n"
        "地址: 请填写通信地址  # 通信地址\n"
        '邮编: "000000"  # 邮政编码，加引号以免首位 0 丢失\n'
        '电话: "000-00000000"  # 咨询电话，加引号\n'
        "电子邮箱: example@example.invalid  # 接收政府信息公开咨询的电子邮箱\n"
    )


def _report_yaml(year: int) -> str:
    deadline = get_format(default_format_id(year)).deadline_for(year)
    return (
        f"# {year}年度报告\n"
        f"发布日期: {deadline.isoformat()}  # 暂填法定截止日期，请改为实际发布日期\n"
        f"# 版本: [{', '.join(EDITIONS)}]  # 只生成其中几个版本时去掉本行开头的 #，删去不要的版本；不写则全部生成\n"
    )


def _narrative(heading: str, names: set[str]) -> str:
    draft = "{{ 年度 }}年，本机关认真贯彻《中华人民共和国政府信息公开条例》。"
    if "主动公开政府信息数" in names and "本年新收申请数" in names:
        draft = ("{{ 年度 }}年，本机关主动公开政府信息{{ 主动公开政府信息数 }}条；"
                 "新收政府信息公开申请{{ 本年新收申请数 }}件。")
    hint = f"{{# 请按官方模板撰写“{heading}”部分，替换下面的初稿；可用 ogi-report names 查看可引用的数字名称 #}}"
    return f"{hint}\n{draft}\n"


def _column_help(col: Column) -> str:
    parts = [_KIND_HELP[col.kind]]
    if col.vocab:
        values, _ = _allowed(col.vocab)
        parts.append(f"允许的值：{_allowed_text(col.vocab, values)}")
    parts.append("可以为空" if col.may_be_empty else "必填")
    return "；".join(parts)


def _ledger_workbook(stem: str) -> Workbook:
    spec = LEDGERS[stem]
    wb = Workbook()
    ws = wb.active  # the data sheet is first: ledgers.read_table reads the first sheet
    ws.title = spec.title[:31]
    ws.freeze_panes = "A2"
    lists = None
    for i, col in enumerate(spec.columns, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.comment = Comment(_column_help(col), "ogi-report")
        ws.column_dimensions[letter].width = max(14, 3 * len(col.header) + 4)
        rng = f"{letter}2:{letter}10000"
        if col.kind == "date":
            # column style, not pre-formatted cells: those would make rows 2.. look used
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if not col.vocab:
            continue
        values, _ = _allowed(col.vocab)
        inline = ",".join(values)
        if len(inline) + 2 <= _INLINE_LIMIT:
            formula = f'"{inline}"'
        else:  # too long for Excel: a hidden list sheet and a defined name
            if lists is None:
                lists = wb.create_sheet("_lists")
                lists.sheet_state = "hidden"
            lc = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
            for r, v in enumerate(values, start=1):
                lists.cell(row=r, column=lc, value=v)
            ll = lists.cell(row=1, column=lc).column_letter
            name = f"列表_{col.header}"
            wb.defined_names[name] = DefinedName(name, attr_text=f"_lists!${ll}$1:${ll}${len(values)}")
            formula = name
        # channels may hold several values joined by 、: warn instead of refusing
        dv = DataValidation(type="list", formula1=formula, allow_blank=col.may_be_empty,
                            errorStyle="information" if col.kind == "channels" else "stop",
                            error=f"请从下拉列表中选择：{_allowed_text(col.vocab, values)}"[:255],
                            errorTitle="不在允许的值中")
        dv.add(rng)
        ws.add_data_validation(dv)
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "填写说明"])
    for col in spec.columns:
        notes.append([col.header, _column_help(col)])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 100
    return wb


def init_folder(folder: Path, name: str, short: str, year: int) -> list[Path]:
    """Create the folder; raise FileExistsError if it exists (never overwrite)."""
    folder.mkdir(parents=True, exist_ok=False)
    fmt = get_format(default_format_id(year))
    written = []

    def write(rel: str, text: str) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write("agency.yaml", _agency_yaml(name, short))
    write(f"{year}/report.yaml", _report_yaml(year))
    names = set(fmt.prose_names)
    for section in fmt.sections:
        if section.table is None:
            write(f"{year}/narrative/{section.narrative}.md", _narrative(section.heading, names))
    for stem in LEDGERS:
        path = folder / f"{stem}.xlsx"
        _ledger_workbook(stem).save(path)
        written.append(path)
    return written
