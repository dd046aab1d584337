"""Read and validate an agency folder (spec/ledgers.md) into typed pandas DataFrames.

This is the only module that parses input files: ledgers in CSV (UTF-8, UTF-8 with BOM, GBK/GB18030,
UTF-16) or .xlsx, agency.yaml and <year>/report.yaml. Every problem is collected with its file, row
(as numbered in Excel) and column, and raised together as one InputError. Parsing is vectorised so
that ledgers of millions of rows load in seconds. Nothing here computes a report figure.
"""

from __future__ import annotations

import csv
import difflib
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine
import yaml

from .editions import parse as parse_editions
from .formats import (
    FORMAT_IDS,
    default_format_id,
    get_format,
    national_outcomes,
    report_facts,
    strip_numbering,
    vocabulary,
)
from .problems import InputError, Problem

# Excel users type full-width digits and separators; dates and numbers accept them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／，", "0123456789.-/,")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:00(?::00)?)?$")
_MAX_PER_COLUMN = 20  # problems listed per column before summarising the rest
_MAX_TEXT = 500  # characters of a title or 编号; a 100,000-character title took the PDF renderer minutes
_MAX_COUNT = 10**9  # a larger 数量 or report.yaml count is a typing slip, and would overflow int64
_FIRST_YEAR = 1990  # ledger dates before this are typing slips (the ledgers start decades later)
# Excel shows these in a cell whose formula failed; counted as text they would silently become 1 or 0.
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                "#SPILL!", "#CALC!")
_EXCEL_ERROR_TEXT = "单元格是 Excel 错误值“{}”（公式出错），请在 Excel 中改正公式或填写数值"
# A number with commas: thousands separators only, in groups of three (1,200.50; never 120,50).
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese column name, exactly as in the contract
    name: str  # the DataFrame column it becomes
    kind: str  # key | text | date | enum | channels | count | days | amount
    vocab: str | None = None
    required: bool = True  # the column must be present
    may_be_empty: bool = False
    default: str | None = None  # value of an empty cell (count: empty = 1)


@dataclass(frozen=True)
class LedgerSpec:
    stem: str
    title: str
    columns: tuple[Column, ...]


LEDGERS: dict[str, LedgerSpec] = {
    spec.stem: spec
    for spec in (
        LedgerSpec("proactive", "主动公开信息台账", (
            Column("发布日期", "date", "date"),
            Column("标题", "title", "text"),
            Column("类别", "category", "text", may_be_empty=True),
            Column("渠道", "channels", "channels", "渠道"),
        )),
        LedgerSpec("documents", "规章和行政规范性文件台账", (
            Column("文号", "number", "key"),
            Column("标题", "title", "text"),
            Column("类型", "type", "enum", "文件类型"),
            Column("印发日期", "issued", "date"),
            Column("废止日期", "repealed", "date", may_be_empty=True),
            Column("公开日期", "published", "date", required=False, may_be_empty=True),
        )),
        LedgerSpec("decisions", "行政许可、行政处罚、行政强制处理决定台账", (
            Column("决定日期", "date", "date"),
            Column("类型", "type", "enum", "决定类型"),
            Column("数量", "count", "count", may_be_empty=True, default="1"),
        )),
        LedgerSpec("fees", "行政事业性收费台账", (
            Column("收费日期", "date", "date"),
            Column("项目", "item", "text"),
            Column("金额（元）", "amount", "amount"),
        )),
        # Added to the contract for the trial template's section 二 (see docs/数据约定补充.md).
        LedgerSpec("items", "行政权力和收费事项清单台账", (
            Column("事项名称", "name", "text"),
            Column("类型", "type", "enum", "事项类型"),
            Column("设立日期", "established", "date"),
            Column("取消日期", "cancelled", "date", may_be_empty=True),
        )),
        LedgerSpec("procurement", "政府集中采购台账", (
            Column("项目名称", "name", "text"),
            Column("采购日期", "date", "date"),
            Column("金额（元）", "amount", "amount"),
        )),
        LedgerSpec("requests", "政府信息公开申请台账", (
            Column("编号", "id", "key"),
            Column("收到日期", "received", "date"),
            Column("申请人类型", "applicant", "enum", "申请人类型"),
            Column("申请方式", "method", "enum", "申请方式", required=False, may_be_empty=True),
            Column("办理结果", "outcome", "enum", "办理结果", may_be_empty=True),
            Column("答复日期", "replied", "date", may_be_empty=True),
            Column("信息处理费（元）", "fee", "amount", required=False, may_be_empty=True, default="0"),
            # Optional, for the reply deadline (T1, timeliness.py; docs/数据约定补充.md).
            Column("延期", "extended", "enum", "是否", required=False, may_be_empty=True),
            Column("补正收到日期", "corrected", "date", required=False, may_be_empty=True),
            Column("征求意见天数", "consulted", "days", required=False, may_be_empty=True, default="0"),
        )),
        LedgerSpec("appeals", "行政复议、行政诉讼台账", (
            Column("编号", "id", "key"),
            Column("类型", "type", "enum", "案件类型"),
            Column("立案日期", "filed", "date"),
            Column("结案日期", "closed", "date", may_be_empty=True),
            Column("结果", "result", "enum", "案件结果", may_be_empty=True),
        )),
    )
}


@dataclass(frozen=True)
class Agency:
    slug: str
    name: str
    short_name: str
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""


APPENDICES = ("本年制发规范性文件目录",)


@dataclass(frozen=True)
class YearFacts:
    year: int
    published: date
    format_id: str
    facts: dict[str, float]
    appendices: tuple[str, ...] = ()
    editions: tuple[str, ...] | None = None  # 版本: the files a build writes; None: all (editions.py)


@dataclass
class AgencyData:
    """Everything a report of one year is computed from."""

    agency: Agency
    year_facts: YearFacts
    ledgers: dict[str, pd.DataFrame]
    sources: dict[str, str | None]  # ledger stem → file name read, None when missing
    narrative: dict[str, tuple[str, str]] = field(default_factory=dict)  # stem → (file, text)
    warnings: list[Problem] = field(default_factory=list)  # found while reading (e.g. which worksheet)

    @property
    def year(self) -> int:
        return self.year_facts.year

    def missing_ledgers(self) -> list[str]:
        return [stem for stem, source in self.sources.items() if source is None]

    def empty_ledgers(self) -> list[str]:
        """The files of ledgers that exist but hold no record yet (right after `ogi-report init`)."""
        return [source for stem, source in self.sources.items() if source is not None and self.ledgers[stem].empty]


def _allowed(vocab: str) -> tuple[tuple[str, ...], dict[str, str]]:
    if vocab == "办理结果":
        return (*vocabulary()["惯例办理结果"].values, *national_outcomes()), {}
    v = vocabulary()[vocab]
    return v.values, v.aliases


def _allowed_text(vocab: str, values: tuple[str, ...]) -> str:
    if vocab == "办理结果":  # two eras of outcomes: say which is which
        return (f"2019年起答复的：{'、'.join(national_outcomes())}；"
                f"2018年及以前答复的：{'、'.join(vocabulary()['惯例办理结果'].values)}")
    return "、".join(values)


# --- reading raw tables -------------------------------------------------------------------------
# Columns are read as categoricals (codes + distinct values): ledgers repeat the same dates and enumerated
# values millions of times, so validating and converting each distinct value once is what makes a
# 10-million-row ledger load in seconds and little memory. Unique keys (编号) are read as plain text.

_ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order; GB18030 is a superset of GBK
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _csv_encodings(path: Path) -> tuple[str, ...]:
    """The encodings to try, in order: UTF-16 when the file starts with its BOM; otherwise UTF-8 (with
    or without BOM), then GB18030 (a superset of GBK).

    Each is tried on the whole file by the CSV reader itself, which stops at the first byte that does
    not decode: a GBK file is never read into mojibake, and a UTF-8 file is decoded once, not twice."""
    with path.open("rb") as f:
        head = f.read(4)
    return ("utf-16",) if head.startswith(_UTF16_BOMS) else _ENCODINGS




def _decode(raw: bytes) -> str:
    """Decode a small text file (YAML, Markdown) by the same rules as the ledgers."""
    if raw.startswith(_UTF16_BOMS):
        return raw.decode("utf-16")
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise UndecodableText(_bad_line(raw))


class UndecodableText(ValueError):
    """Text in neither UTF-8 nor GBK (often a GBK line pasted into a UTF-8 file); `line` is the first bad one."""

    def __init__(self, line: int, fix: str = "请用记事本打开，另存为 UTF-8 编码"):
        super().__init__(f"此行含有无法识别的字符（文件的编码既不是 UTF-8，也不是 GBK/GB18030，或两者混在一起）；{fix}")
        self.line = line


def _bad_line(raw: bytes) -> int:
    """The first line in the minority encoding: a GBK line pasted into a UTF-8 file, or the reverse."""
    lines = raw.removeprefix(b"\xef\xbb\xbf").split(b"\n")

    def reads(line: bytes, encoding: str) -> bool:
        try:
            line.decode(encoding)
            return True
        except UnicodeDecodeError:
            return False

    utf8 = [reads(line, "utf-8") for line in lines]
    gbk = [reads(line, "gb18030") for line in lines]
    mostly_utf8 = sum(u and not g for u, g in zip(utf8, gbk, strict=True)) >= sum(
        g and not u for u, g in zip(utf8, gbk, strict=True))
    flags = utf8 if mostly_utf8 else gbk
    return next((i for i, ok in enumerate(flags, start=1) if not ok), 1)


def _cell_text(value: object) -> str:
    """An Excel cell as the text the user sees: whole numbers without `.0`, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_HEADER_ROWS = 10  # the header is looked for in this many rows from the top (title rows above it)


def _header_text(value: object) -> str:
    """A header cell compared with the contract: spaces and line breaks (Alt+Enter in Excel) removed."""
    return re.sub(r"\s+", "", _cell_text(value))


def _column_letter(position: int) -> str:
    """Excel's name of the column at 0-based `position`: A … Z, AA …"""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _find_header(rows: list[list[str]], spec: LedgerSpec) -> tuple[int, int]:
    """The index among `rows` (header texts of the top rows) of the ledger's header, and how many of its
    required columns that row names: the first row naming them all, else the one naming most (so that
    the missing columns are reported against the right row), else the first row."""
    required = {c.header for c in spec.columns if c.required}
    found = [len(required.intersection(row)) for row in rows]
    best = max(found, default=0)
    return (found.index(best), best) if best else (0, 0)


def _column_names(header: list[str], spec: LedgerSpec, file: str, header_row: int) -> tuple[list[str], list[Problem]]:
    """Unique DataFrame column names for the header: contract columns keep their name; any other column
    (extra, blank or duplicated) is named by its position, so it is kept but never mistaken for one.
    A contract column given twice is an error: which of the two holds the values cannot be guessed."""
    contract = {c.header for c in spec.columns}
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        positions.setdefault(name, []).append(i)
    problems = [
        Problem(f"表头中有 {len(at)} 列都叫「{name}」（第{'、'.join(_column_letter(i) for i in at)}列）；"
                "请删除多余的列或改正列名，只保留一列", file, header_row, name)
        for name, at in positions.items() if name in contract and len(at) > 1
    ]
    names = [name if name in contract and len(positions[name]) == 1 else f"{i}:{name}"
             for i, name in enumerate(header)]
    return names, problems


def _plain_text_headers(spec: LedgerSpec) -> set[str]:
    """Columns read as plain text rather than categoricals: unique keys and titles."""
    return {c.header for c in spec.columns if c.kind in ("key", "text")}


def read_table(path: Path, spec: LedgerSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """A ledger file: categorical text columns (unique keys and titles as plain text), blank rows
    dropped, and `_row` holding each row's number as Excel shows it; with the problems of its layout
    (a contract column given twice; which worksheet was read when it is not the first).

    The header is the row, among the top ones, that names the ledger's required columns, so that a
    title row above it is skipped. Raises ValueError with a Chinese message when the file cannot be read.
    """
    sheet = 0
    if "".join(path.suffix.split()).lower() == ".xlsx":
        frame, header_index, problems, sheet = _read_xlsx(path, spec)
    else:
        for encoding in _csv_encodings(path):
            try:
                frame, header_index = _read_csv(path, encoding, spec)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UndecodableText(_bad_line(path.read_bytes()), "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")
        problems = []
    if frame is None:
        return pd.DataFrame({"_row": []}), problems
    names, duplicates = _column_names(list(frame.columns), spec, path.name, header_index + 1)
    frame.columns = names
    if duplicates:
        return pd.DataFrame({"_row": []}), problems + duplicates
    # as Excel numbers them; a cell typed over several lines makes a record span several lines of a CSV
    frame["_row"] = frame.attrs.pop("rows", None) or np.arange(header_index + 2, len(frame) + header_index + 2)
    blank = _blank_rows(frame)
    frame = frame[~blank].reset_index(drop=True) if blank.any() else frame
    frame.attrs.update(sheet=sheet, header_row=header_index + 1)  # where the cells are, as Excel numbers them
    return frame, problems


def _read_xlsx(path: Path, spec: LedgerSpec) -> tuple[pd.DataFrame | None, int, list[Problem], int]:
    """The worksheet holding the ledger (None when it is empty), its header's row index, a warning
    when that is not the first worksheet, and that worksheet's index. Columns are named by their header."""
    try:
        book = python_calamine.load_workbook(str(path))
        sheets = [book.get_sheet_by_index(i) for i in range(len(book.sheet_names))]
        # skip_empty_area=False: rows and columns start at A1, so that indexes are Excel's numbering
        tops = [[[_header_text(v) for v in r] for r in s.to_python(skip_empty_area=False, nrows=_HEADER_ROWS)]
                for s in sheets]
    except Exception as exc:  # calamine raises several unrelated types for a broken workbook
        raise ValueError(f"无法读取 Excel 文件（{exc}）；请确认文件是 .xlsx 格式且未损坏") from exc
    if not sheets:
        return None, 0, [], 0
    headers = [_find_header(top, spec) for top in tops]
    complete = sum(c.required for c in spec.columns)
    matching = [i for i, (_, found) in enumerate(headers) if found == complete]
    if len(matching) > 1:
        names = "、".join(f"「{sheets[i].name}」" for i in matching)
        raise ValueError(f"有 {len(matching)} 个工作表（{names}）都有本台账的表头，只能读取其中一个；"
                         "请把记录合并到一个工作表中，删除其他工作表")
    # the one sheet with the whole header; else the one naming most required columns; else the first
    chosen = matching[0] if matching else max(range(len(sheets)), key=lambda i: (headers[i][1], -i))
    header_index = headers[chosen][0]
    problems = []
    if chosen:
        problems.append(Problem(
            f"读取的是第{chosen + 1}个工作表「{sheets[chosen].name}」（第一个工作表「{sheets[0].name}」"
            "没有本台账的表头）", path.name, warning=True))
    try:
        rows = sheets[chosen].to_python(skip_empty_area=False)
    except Exception as exc:
        raise ValueError(f"无法读取 Excel 文件（{exc}）；请确认文件是 .xlsx 格式且未损坏") from exc
    if len(rows) <= header_index:
        return None, header_index, problems, chosen
    header = tops[chosen][header_index]
    body = [[_cell_text(v) for v in r] for r in rows[header_index + 1:]]
    # positional names while building: the header may repeat a name or leave cells blank
    frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(len(header)))
    plain = _plain_text_headers(spec)
    for i, name in enumerate(header):
        if name not in plain:
            frame[i] = frame[i].astype("category")
    frame.columns = header
    return frame, header_index, problems, chosen


def _read_csv(path: Path, encoding: str, spec: LedgerSpec) -> tuple[pd.DataFrame | None, int]:
    """The CSV in `encoding` (None when it is empty) and its header's row index; UnicodeDecodeError
    when it is not in that encoding. Columns are named by their header text."""
    with path.open(encoding=encoding, newline="") as f:
        top = list(itertools.islice(f, _HEADER_ROWS))
    if not "".join(top).strip():
        return None, 0
    # comma, tab (Excel's "Unicode text") or semicolon (Excel set to a European locale): whichever splits
    # a row into the ledger's header
    candidates = []
    for sep in (",", "\t", ";"):
        rows = [[re.sub(r"\s+", "", cell) for cell in row] for row in csv.reader(top, delimiter=sep)]
        candidates.append((*_find_header(rows, spec), sep, rows))
    index, found, sep, rows = max(candidates, key=lambda c: c[1])
    if not found:  # no header found: the first line decides, as the missing columns will be reported
        index, sep = 0, "\t" if "\t" in top[0] and "," not in top[0] else ","
        rows = candidates[(",", "\t").index(sep)][3]
    header = rows[index] if index < len(rows) else []
    plain = _plain_text_headers(spec)
    try:
        frame = pd.read_csv(path, sep=sep, encoding=encoding, header=None, skiprows=index + 1,
                            names=range(len(header)), dtype={i: (object if name in plain else "category")
                                                            for i, name in enumerate(header)},
                            na_filter=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        problem = _multiline_cells(path, encoding, sep, index, header, spec)[0]
        raise ValueError(problem or f"CSV 格式错误（{exc}）") from exc
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=range(len(header)))
    lines = path.read_bytes().rstrip(b"\r\n").count(b"\n") + 1
    if len(frame) != lines - index - 1:  # a record spans lines: a quoted cell holds line breaks
        problem, starts = _multiline_cells(path, encoding, sep, index, header, spec)
        if problem:
            raise ValueError(problem)
        frame.attrs["rows"] = starts
    frame.columns = header
    return frame, index


def _multiline_cells(path: Path, encoding: str, sep: str, index: int, header: list[str],
                     spec: LedgerSpec) -> tuple[str | None, list[int]]:
    """Cells quoted over line breaks: a stray `"` that swallowed the records after it (which would
    silently be missing from the counts), or a 标题/备注 typed with Alt+Enter in Excel (allowed). With
    the line each record starts on, for the row numbers of messages."""
    free_text = {c.header for c in spec.columns if c.kind == "text"} | {"备注"}
    starts, end = [], 0
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        for number, row in enumerate(reader):
            start, end = end + 1, reader.line_num
            if number <= index:
                continue
            starts.append(start)
            for column, cell in enumerate(row):
                if "\n" not in cell and "\r" not in cell:
                    continue
                name = header[column] if column < len(header) else ""
                swallowed = any(line.count(sep) >= len(header) - 2 for line in cell.splitlines()[1:])
                if swallowed or name not in free_text:
                    label = f"“{name}”列" if name else f"第{column + 1}列"
                    return (f"第{start}行{label}的引号（\"）把第{start}–{end}行并成了一格，"
                            f"其中 {end - start} 行记录因此不会被统计；请删除多余的引号"), starts
    return None, starts


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or spaces; plain-text columns are only looked at on candidates."""
    columns = frame.columns.drop("_row")
    blank = np.ones(len(frame), dtype=bool)
    plain = []
    for column in columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            codes, uniques = _codes(frame[column])
            blank &= (uniques == "").to_numpy()[codes]
        else:
            plain.append(column)
    for column in plain:
        candidates = np.flatnonzero(blank)
        values = frame[column].iloc[candidates].fillna("").astype(str).str.strip()
        blank[candidates] = (values == "").to_numpy()
    return blank


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's index into the column's distinct values, and those values stripped of spaces."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        uniques = pd.Series(column.cat.categories, dtype=object)
    else:
        codes, distinct = pd.factorize(column, use_na_sentinel=False)
        uniques = pd.Series(distinct, dtype=object)
    # a loop over the distinct values: pandas' string methods loop in Python too, after a fixed cost
    return codes, pd.Series(["" if pd.isna(v) else str(v).strip() for v in uniques], dtype=object)


# --- finding ledger files ----------------------------------------------------------------------
# Names are matched ignoring case and spaces (`Requests.CSV`, `fees .csv`). A file that looks meant as a
# ledger but cannot be read as one (old Excel, a near-miss name) is an error: counted as a missing
# ledger, its records would silently become zeros in the report.

_OTHER_SPREADSHEETS = {
    "xls": "旧版 Excel 格式（.xls）", "xlsm": "带宏的 Excel 格式（.xlsm）", "xlsb": "Excel 二进制格式（.xlsb）",
    "ods": "OpenDocument 表格格式（.ods）", "et": "WPS 表格格式（.et）", "numbers": "Numbers 格式（.numbers）",
}
_SAVE_AS_XLSX = "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8（逗号分隔）”"


def _normalized_name(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _ledger_files(data_dir: Path) -> list[Path]:
    # "~$…" is the lock file Excel keeps beside an open workbook
    return sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))


def find_ledger(data_dir: Path, stem: str) -> list[Path]:
    """The ledger's files: <stem>.csv and <stem>.xlsx, in any case and with stray spaces."""
    wanted = {f"{stem}.csv", f"{stem}.xlsx"}
    return [p for p in _ledger_files(data_dir) if _normalized_name(p.name) in wanted]


def _meant_ledger(stem: str) -> str | None:
    """The ledger a file name seems meant for (`request`, `requests2021`, `政府信息公开申请台账`), if any."""
    if stem in LEDGERS:
        return stem
    close = difflib.get_close_matches(stem, LEDGERS, n=1, cutoff=0.8)
    if close:
        return close[0]
    return next((s for s, spec in LEDGERS.items() if s in stem or spec.title in stem), None)


def misnamed_ledgers(data_dir: Path) -> list[Problem]:
    """Files beside agency.yaml that look meant as ledgers but would not be read as one."""
    problems = []
    for path in _ledger_files(data_dir):
        stem, _, suffix = _normalized_name(path.name).rpartition(".")
        if not stem or (suffix in ("csv", "xlsx") and stem in LEDGERS):
            continue
        meant = _meant_ledger(stem) if suffix in ("csv", "xlsx", *_OTHER_SPREADSHEETS) else None
        if meant is None:
            continue
        title = LEDGERS[meant].title
        if suffix in _OTHER_SPREADSHEETS:
            message = (f"无法读取{_OTHER_SPREADSHEETS[suffix]}的台账；{_SAVE_AS_XLSX}，"
                       f"文件名为 {meant}.xlsx 或 {meant}.csv")
        else:
            message = (f"文件名不是约定的台账文件名，不会被读取；如果这是{title}，请改名为 {meant}.{suffix}，"
                       "否则请把它移出机构数据文件夹")
        problems.append(Problem(message, path.name))
    return problems


# --- validating columns ------------------------------------------------------------------------


class _Collector:
    def __init__(self, file: str, row_numbers: np.ndarray):
        self.file = file
        self.row_numbers = row_numbers
        self.problems: list[Problem] = []

    def rows(self, mask, column: str, message: Callable[[int], str], rule: str | None = None) -> None:
        """Report every row where `mask` holds; `message(position)` says what is wrong there."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        for pos in positions[:_MAX_PER_COLUMN]:
            self.problems.append(Problem(message(int(pos)), self.file, int(self.row_numbers[pos]), column, rule))
        if len(positions) > _MAX_PER_COLUMN:
            self.problems.append(
                Problem(f"另有 {len(positions) - _MAX_PER_COLUMN} 行有同样的问题", self.file, None, column, rule)
            )


def _parse_dates(text: pd.Series) -> pd.Series:
    """Each distinct text as a date, NaT where it is none. A plain loop: it runs on a column's distinct
    values (a few thousand at most), where pandas' fixed cost per operation is what a region of many
    small ledgers pays."""
    found = []
    for value in text:
        match = _DATE.match(value.translate(_FULL_WIDTH))
        try:  # numpy, not datetime: year 0 is a date, reported below as out of range, not as malformed
            found.append(np.datetime64(f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}", "us") if match
                         else np.datetime64("NaT", "us"))
        except ValueError:  # 2017-02-30, month 13
            found.append(np.datetime64("NaT", "us"))
    return pd.Series(np.array(found, dtype="datetime64[us]"), index=text.index)


def _validate_column(
    frame: pd.DataFrame, col: Column, out: _Collector, typed: dict[str, object], year: int | None = None
) -> None:
    n = len(frame)
    if col.header in frame.columns:
        # "A1 ", "\u3000A1" and "Ａ１" are the same request as "A1": keys are folded before they are counted
        codes, uniques = _codes(_normal_keys(frame[col.header]) if col.kind == "key" else frame[col.header])
        if col.default is not None:
            uniques = uniques.mask(uniques == "", col.default)
    else:
        if col.required:
            out.problems.append(Problem(f"缺少必需的列「{col.header}」", out.file))
        codes, uniques = np.zeros(n, dtype=np.int64), pd.Series([col.default or ""], dtype=object)

    def value(pos: int) -> str:
        return uniques.iat[codes[pos]]

    def per_row(flags: pd.Series) -> np.ndarray:
        return flags.to_numpy(dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)

    empty_u = uniques == ""
    if not col.may_be_empty and col.header in frame.columns:
        out.rows(per_row(empty_u), col.header, lambda pos: "不能为空")
    excel_error = uniques.isin(EXCEL_ERRORS)
    if excel_error.any():  # e.g. a CSV saved from a sheet whose formulas failed
        out.rows(per_row(excel_error), col.header, lambda pos: _EXCEL_ERROR_TEXT.format(value(pos)))
        empty_u = empty_u | excel_error  # reported once, not again as a bad date or number

    if col.kind == "date":
        parsed = _parse_dates(uniques.mask(excel_error, ""))
        out.rows(per_row(parsed.isna() & ~empty_u), col.header,
                 lambda pos: f"“{value(pos)}”不是有效日期，应为 YYYY-MM-DD，例如 2017-03-05")
        # 9999-12-31 or 1600-01-01 parse, but are placeholders or slips that would shift every count
        last = date(year + 1, 12, 31) if year is not None else None
        implausible = parsed.dt.year < _FIRST_YEAR
        if last is not None:
            implausible |= parsed > pd.Timestamp(last)
        span = f"{_FIRST_YEAR}年至{last.year}年" if last else f"{_FIRST_YEAR}年以后"
        out.rows(per_row(implausible.fillna(False)), col.header,
                 lambda pos: f"日期“{value(pos)}”不在合理范围内（应在{span}之间），请核对")
        parsed = parsed.mask(implausible.fillna(False))
        typed[col.name] = pd.DatetimeIndex(parsed).take(codes) if len(codes) else pd.DatetimeIndex([])
    elif col.kind in ("count", "days", "amount"):
        whole = col.kind in ("count", "days")  # days: a whole number that may be 0 (征求意见天数)
        text = uniques.str.translate(_FULL_WIDTH)
        # "120,50" is not 12050: commas are accepted only as thousands separators
        grouped = text.str.fullmatch(_THOUSANDS).fillna(False).astype(bool)
        clean = text.where(~grouped, text.str.replace(",", "", regex=False))
        pattern = r"^\d+$" if whole else r"^\d+(?:\.\d+)?$"
        well_formed = clean.str.fullmatch(pattern).fillna(False).astype(bool)
        if whole:  # checked on the digits first: 20 of them would overflow int64 to a negative
            digits = clean.where(well_formed, "").str.lstrip("0").str.len()
            too_big = well_formed & (digits > 18)
            too_big |= pd.to_numeric(clean.where(well_formed & ~too_big), errors="coerce") > _MAX_COUNT
            out.rows(per_row(too_big & ~empty_u), col.header,
                     lambda pos: f"“{value(pos)}”超过上限 {_MAX_COUNT}，请核对")
            well_formed &= ~too_big
        number = pd.to_numeric(clean.where(well_formed), errors="coerce")
        if whole:
            bad = ~empty_u & ~too_big & (~well_formed | (number <= 0 if col.kind == "count" else False))
            kind = "正整数" if col.kind == "count" else "非负整数（工作日数）"
            out.rows(per_row(bad), col.header, lambda pos: f"“{value(pos)}”不是{kind}")
            typed[col.name] = number.fillna(0).astype("int64").to_numpy()[codes]
        else:
            out.rows(per_row(~empty_u & ~well_formed), col.header,
                     lambda pos: f"“{value(pos)}”不是非负金额（元），例如 120.50")
            typed[col.name] = number.fillna(0.0).astype("float64").to_numpy()[codes]
    elif col.kind == "enum":
        values, aliases = _allowed(col.vocab)
        canonical = uniques.map({v: v for v in values} | aliases)
        allowed = _allowed_text(col.vocab, values)
        out.rows(per_row(canonical.isna() & ~empty_u), col.header,
                 lambda pos: f"“{value(pos)}”不是允许的值；允许的值：{allowed}")
        categories = ["", *values]
        mapped = canonical.fillna("").map({c: i for i, c in enumerate(categories)}).to_numpy(dtype=np.int64)
        typed[col.name] = pd.Categorical.from_codes(mapped[codes] if n else [], categories=categories)
    elif col.kind == "channels":
        values, _ = _allowed(col.vocab)
        parts = [[p.strip() for p in u.split("、") if p.strip()] for u in uniques]
        unknown = ["、".join(p for p in ps if p not in values) for ps in parts]
        allowed = "、".join(values)
        out.rows(per_row(pd.Series([bool(u) for u in unknown]) & ~empty_u), col.header,
                 lambda pos: f"渠道“{unknown[codes[pos]]}”不是允许的值；允许的值：{allowed}（多个渠道用“、”分隔）")
        for channel in values:
            typed[f"{col.name}.{channel}"] = per_row(pd.Series([channel in ps for ps in parts], dtype=bool))
    else:
        typed[col.name] = uniques.to_numpy()[codes] if n else np.array([], dtype=object)
        lengths = uniques.str.len()
        out.rows(per_row(lengths > _MAX_TEXT), col.header,
                 lambda pos: f"文字过长（{int(lengths.iat[codes[pos]])} 个字），最多 {_MAX_TEXT} 个字；"
                 "请检查是否把多行或整段内容粘贴进了一个单元格")
        if col.kind == "key":
            dup = pd.Series(codes).duplicated(keep="first").to_numpy() & ~per_row(uniques == "")
            if dup.any():
                first = pd.Series(out.row_numbers).groupby(codes).transform("min").to_numpy()
                out.rows(dup, col.header, lambda pos: f"编号“{value(pos)}”重复（第{int(first[pos])}行已有）")


def _normal_key(key: object) -> object:
    """A 编号 as compared for duplicates: full-width letters, digits and spaces folded (NFKC), spaces
    around it dropped."""
    return unicodedata.normalize("NFKC", key).strip() if isinstance(key, str) else key


def _normal_keys(column: pd.Series) -> pd.Series:
    """The column with every key folded by `_normal_key`; only the few keys that need it are touched, so
    that a ledger of millions of plain ASCII keys is not copied."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.map(_normal_key)
    values = column.to_numpy(dtype=object)
    odd = [i for i, v in enumerate(values) if isinstance(v, str) and (not v.isascii() or v.strip() != v)]
    if not odd:
        return column
    values = values.copy()
    values[odd] = [_normal_key(values[i]) for i in odd]
    return pd.Series(values, index=column.index, dtype=object)


def _cross_checks(stem: str, t: pd.DataFrame, out: _Collector) -> None:
    """Rules between columns of one row (spec/ledgers.md)."""
    if stem == "requests":
        has_outcome, has_reply = (t["outcome"] != "").to_numpy(), t["replied"].notna().to_numpy()
        out.rows(has_outcome & ~has_reply, "答复日期",
                 lambda pos: "已填写办理结果，但答复日期为空（两者应同时填写或同时为空）")
        out.rows(~has_outcome & has_reply, "办理结果",
                 lambda pos: "已填写答复日期，但办理结果为空（两者应同时填写或同时为空）")
        out.rows(t["replied"] < t["received"], "答复日期", lambda pos: "答复日期早于收到日期")
        out.rows(t["corrected"] < t["received"], "补正收到日期", lambda pos: "补正收到日期早于收到日期")
        out.rows(t["corrected"] > t["replied"], "补正收到日期", lambda pos: "补正收到日期晚于答复日期")
        is_customary = t["outcome"].isin(vocabulary()["惯例办理结果"].values).to_numpy()
        reply_year = t["replied"].dt.year.to_numpy()
        out.rows(has_outcome & is_customary & (reply_year >= 2019), "办理结果",
                 lambda pos: f"“{t['outcome'].iat[pos]}”是2018年及以前的办理结果，"
                 "2019年起答复的申请应使用现行年报模板表三的行名（如“予以公开”“不予公开/属于国家秘密”）")
        out.rows(has_outcome & ~is_customary & (reply_year <= 2018), "办理结果",
                 lambda pos: f"“{t['outcome'].iat[pos]}”是2019年起的办理结果，"
                 "2018年及以前答复的申请应使用惯例办理结果（如“同意公开”“属于已主动公开范围”）")
    elif stem == "appeals":
        has_result, has_close = (t["result"] != "").to_numpy(), t["closed"].notna().to_numpy()
        out.rows(has_result & ~has_close, "结案日期", lambda pos: "已填写结果，但结案日期为空")
        out.rows(~has_result & has_close, "结果", lambda pos: "已填写结案日期，但结果为空")
        out.rows(t["closed"] < t["filed"], "结案日期", lambda pos: "结案日期早于立案日期")
    elif stem == "documents":
        out.rows(t["repealed"] < t["issued"], "废止日期", lambda pos: "废止日期早于印发日期")
    elif stem == "items":
        out.rows(t["cancelled"] < t["established"], "取消日期", lambda pos: "取消日期早于设立日期")


def empty_ledger(stem: str) -> pd.DataFrame:
    """The typed frame of a ledger with no records."""
    raw = pd.DataFrame({c.header: pd.Series([], dtype=object) for c in LEDGERS[stem].columns})
    raw["_row"] = np.array([], dtype=np.int64)
    return parse_ledger(stem, raw, f"{stem}.csv")[0]


def parse_ledger(
    stem: str, frame: pd.DataFrame, file: str, year: int | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a raw ledger (text columns and `_row`) and return it typed, with every problem found.

    With `year` (the agency's latest report year), dates after the end of the following year are errors
    too."""
    frame = frame.reset_index(drop=True)
    out = _Collector(file, frame["_row"].to_numpy())
    typed: dict[str, object] = {"_row": frame["_row"].to_numpy()}
    for col in LEDGERS[stem].columns:
        _validate_column(frame, col, out, typed, year)
    result = pd.DataFrame(typed)
    # Rules between columns, on the rows whose values are all valid: every problem is found in one pass,
    # and a bad date does not also show up as a missing one.
    valid = ~np.isin(out.row_numbers, [p.row for p in out.problems if p.row is not None])
    if any(p.row is None for p in out.problems):  # a column missing or problems left unlisted: rows unknown
        valid[:] = False
    rows = _Collector(file, out.row_numbers[valid])
    _cross_checks(stem, result[valid].reset_index(drop=True), rows)
    return result, out.problems + rows.problems


def load_ledger(
    data_dir: Path, stem: str, year: int | None = None
) -> tuple[pd.DataFrame, str | None, list[Problem]]:
    paths = find_ledger(data_dir, stem)
    if not paths:
        return empty_ledger(stem), None, []
    if len(paths) > 1:
        names = "、".join(p.name for p in paths)
        return empty_ledger(stem), None, [Problem(f"同一台账有多个文件（{names}），请只保留一个", paths[0].name)]
    path = paths[0]
    if outside(data_dir, path):
        return empty_ledger(stem), path.name, [_outside_problem(path, path.name)]
    try:
        raw, layout = read_table(path, LEDGERS[stem])
    except ValueError as exc:
        return empty_ledger(stem), path.name, [Problem(str(exc), path.name, getattr(exc, "line", None))]
    if any(not p.warning for p in layout):
        return empty_ledger(stem), path.name, layout
    typed, problems = parse_ledger(stem, raw, path.name, year)
    if "".join(path.suffix.split()).lower() == ".xlsx":
        cells = _xlsx_formula_problems(path, list(raw.columns), raw.attrs.get("sheet", 0),
                                       raw.attrs.get("header_row", 1))
        # such a cell reads as empty: its own error replaces "不能为空" or a cross-check on it
        seen = {(c.row, c.column) for c in cells}
        problems = [p for p in problems if (p.row, p.column) not in seen] + cells
    return typed, path.name, layout + problems


_XLSX_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_XLSX_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _xlsx_formula_problems(path: Path, headers: list[str], sheet: int = 0, header_row: int = 1) -> list[Problem]:
    """Cells below the header of the ledger's sheet that hold an Excel error (#N/A…) or a formula never
    calculated.

    python_calamine returns both as an empty cell, which would silently read as 数量 1 or 金额 0, so the
    sheet's XML is looked at directly (only when it has such cells at all)."""
    try:
        with zipfile.ZipFile(path) as book:
            xml = book.read(_sheet_path(book, sheet))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []  # read_table already said the workbook cannot be read
    if b't="e"' not in xml and b"<f" not in xml:
        return []
    problems = []
    for letters, row, attrs, inner in _XLSX_CELL.findall(xml):
        if int(row) <= header_row:
            continue  # a title or the header (=TODAY() in a title row) is not a ledger value
        inner = inner or b""
        index = 0
        for letter in letters.decode():
            index = index * 26 + ord(letter) - 64
        column = headers[index - 1] if index - 1 < len(headers) and headers[index - 1] != "_row" else letters.decode()
        value = _XLSX_VALUE.search(inner)
        if b't="e"' in attrs:
            text = value.group(1).decode() if value else "#N/A"
            problems.append(Problem(_EXCEL_ERROR_TEXT.format(text), path.name, int(row), column))
        # never calculated: no value, or an empty one that is not text (Excel writes a formula that gave ""
        # as t="str" with `<v></v>`; openpyxl with lxml writes an uncalculated one as a bare `<v></v>`)
        elif b"<f" in inner and (not value or (not value.group(1) and b't="str"' not in attrs)):
            problems.append(Problem("公式单元格没有保存计算结果，无法读取其值；请在 Excel 中打开并重新保存此文件",
                                    path.name, int(row), column))
        if len(problems) > _MAX_PER_COLUMN:
            problems.append(Problem("另有更多单元格有同样的问题", path.name))
            break
    return problems


def _sheet_path(book: zipfile.ZipFile, index: int) -> str:
    """The path in the workbook of its sheet number `index` (0 = first), in calamine's order."""
    ids = re.findall(rb'<sheet\b[^>]*?\br:id="([^"]+)"', book.read("xl/workbook.xml"))
    if index < len(ids):
        for match in re.finditer(rb"<Relationship\b[^>]*>", book.read("xl/_rels/workbook.xml.rels")):
            tag = match.group(0)
            if b'Id="' + ids[index] + b'"' in tag:
                target = re.search(rb'Target="([^"]+)"', tag).group(1).decode()
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


# --- agency.yaml and report.yaml ---------------------------------------------------------------


_MAX_YAML_BYTES = 1_000_000  # agency.yaml and report.yaml are a few lines; more is not one of them


class _NoAliases(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark | None):
        super().__init__("不允许使用 YAML 锚点和别名（& 和 *）；请把内容直接写出")
        self.problem_mark = mark


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (PyYAML raises a bare ValueError on 2018-13-40) and refuses
    anchors and aliases: a few lines of nested aliases ("billion laughs") expand to gigabytes."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _NoAliases(event.start_mark)
        return super().compose_node(parent, index)


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _TextYamlLoader(_YamlLoader):
    """Every scalar is text: YAML 1.1 would read 邮编 010010 as the octal 4104, 电话 043267201262 as a
    number and 简称 yes as True. Only an empty value stays null."""


_TextYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def outside(root: Path, path: Path) -> bool:
    """Whether `path` (a link, or under a linked folder) leads out of the agency folder `root`. A build
    reads only the agency's own files: a link to /etc/passwd must not end up on a public web page."""
    return not path.resolve().is_relative_to(root.resolve())


def _outside_problem(path: Path, name: str) -> Problem:
    return Problem(f"指向机构文件夹以外的位置（{path.resolve()}），为安全起见不读取；"
                   "请把文件本身复制到机构文件夹中", name)


def _read_yaml(
    path: Path, problems: list[Problem], name: str, loader: type[yaml.SafeLoader] = _YamlLoader,
    root: Path | None = None,
) -> dict | None:
    if not path.exists():
        problems.append(Problem("文件不存在", name))
        return None
    if root is not None and outside(root, path):
        problems.append(_outside_problem(path, name))
        return None
    if path.stat().st_size > _MAX_YAML_BYTES:
        problems.append(Problem(f"文件过大（超过 {_MAX_YAML_BYTES // 1_000_000} MB），不是有效的 {path.name}", name))
        return None
    try:
        data = yaml.load(_decode(path.read_bytes()), Loader=loader)
    except UndecodableText as exc:
        problems.append(Problem(str(exc), name, exc.line))
        return None
    except _NoAliases as exc:
        problems.append(Problem(str(exc), name, exc.problem_mark.line + 1 if exc.problem_mark else None))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        problems.append(Problem(
            f"YAML 格式错误（{getattr(exc, 'problem', exc)}）；请检查括号、引号是否成对，冒号后是否有空格", name, row))
        return None
    if not isinstance(data, dict):
        problems.append(Problem("内容应为“键: 值”形式的列表", name))
        return None
    return data


_AGENCY_KEYS = {"名称": "name", "简称": "short_name", "地址": "address", "邮编": "postcode",
                "电话": "phone", "电子邮箱": "email"}


def load_agency(data_dir: Path, problems: list[Problem], file: str = "agency.yaml",
                extra_keys: tuple[str, ...] = ()) -> Agency | None:
    """agency.yaml; a region reads its region.yaml with it too (`extra_keys`: its 成员)."""
    data = read_agency_yaml(data_dir, problems, file)
    return None if data is None else agency_from(data, data_dir, problems, file, extra_keys)


def read_agency_yaml(data_dir: Path, problems: list[Problem], file: str = "agency.yaml") -> dict | None:
    """agency.yaml or region.yaml as read: every value text (no dates or numbers guessed)."""
    return _read_yaml(data_dir / file, problems, file, _TextYamlLoader, data_dir)


def agency_from(data: dict, data_dir: Path, problems: list[Problem], file: str = "agency.yaml",
                extra_keys: tuple[str, ...] = ()) -> Agency:
    """The 名称, 简称 and contact details of agency.yaml (or region.yaml), each problem named by key."""
    data = dict(data)
    not_text = [key for key in _AGENCY_KEYS if data.get(key) is not None and not isinstance(data[key], str)]
    for key in not_text:  # a list or a mapping
        problems.append(Problem(f"「{key}」应为一段文字", file))
        data[key] = None
    for key in ("名称", "简称"):
        if key not in not_text and not str(data.get(key) or "").strip():
            problems.append(Problem(f"缺少必填项「{key}」", file))
    problems.extend(_unknown_keys(data, [*_AGENCY_KEYS, *extra_keys], file))
    values = {field: str(data.get(key) or "").strip() for key, field in _AGENCY_KEYS.items()}
    return Agency(slug=data_dir.resolve().name, **values)


def _unknown_keys(data: dict, allowed: list[str], file: str) -> list[Problem]:
    """Keys a YAML file may not have, each with the allowed key it most likely misspells."""
    problems = []
    for key in sorted(set(map(str, data)) - set(allowed)):
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
        hint = f"（是否应为「{close[0]}」？）" if close else ""
        problems.append(Problem(f"未知的项：{key}{hint}；允许的项：{'、'.join(allowed)}", file))
    return problems


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = _parse_dates(pd.Series([str(value or "").strip()]))[0]
    return None if pd.isna(parsed) else parsed.date()


def load_year_facts(data_dir: Path, year: int, problems: list[Problem]) -> YearFacts | None:
    name = f"{year}/report.yaml"
    data = _read_yaml(data_dir / str(year) / "report.yaml", problems, name, root=data_dir)
    if data is None:
        return None
    published = _as_date(data.get("发布日期"))
    if published is None:
        problems.append(Problem("「发布日期」缺失或不是有效日期，应为 YYYY-MM-DD", name))
    elif published <= date(year, 12, 31):  # e.g. a report.yaml copied from last year's folder
        problems.append(Problem(
            f"「发布日期」{published.isoformat()}不在{year}年之后；{year}年度报告应在{year + 1}年发布", name))
    format_id = str(data.get("格式") or default_format_id(year))
    if format_id not in FORMAT_IDS:
        problems.append(Problem(f"「格式」“{format_id}”无效；允许的值：{'、'.join(FORMAT_IDS)}", name))
    kinds = report_facts()
    problems.extend(_unknown_keys(data, ["发布日期", "格式", "附录", "版本", *kinds], name))
    editions = None
    if "版本" in data:
        editions, found = parse_editions(data["版本"], name)
        problems.extend(found)
    appendices = data.get("附录") or []
    if isinstance(appendices, str):
        appendices = [appendices]
    if not isinstance(appendices, list):
        problems.append(Problem(f"「附录」的值“{appendices}”应为附录名称或名称的列表；允许的值：{'、'.join(APPENDICES)}",
                                name))
        appendices = []
    for item in appendices:
        if item not in APPENDICES:
            problems.append(Problem(f"「附录」“{item}”无效；允许的值：{'、'.join(APPENDICES)}", name))
    facts: dict[str, float] = {}
    for key, kind in kinds.items():
        value = data.get(key, 0)
        # bool is an int, and .inf/.nan are floats: none of them is a figure
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
              and value >= 0)
        if kind == "count":
            ok = ok and float(value).is_integer()
        limit = _MAX_COUNT if kind == "count" else _MAX_COUNT * 1_000  # 万元
        if ok and value > limit:
            problems.append(Problem(f"「{key}」的值“{_yaml_text(value)}”超过上限 {limit}，请核对", name))
            value = 0
        elif not ok:
            expected = "非负整数" if kind == "count" else "非负金额（万元）"
            problems.append(Problem(f"「{key}」的值“{_yaml_text(value)}”应为{expected}", name))
            value = 0
        facts[key] = int(value) if kind == "count" else float(value)
    return YearFacts(year, published or date(year + 1, 1, 1), format_id, facts,
                     tuple(a for a in appendices if a in APPENDICES), editions)


def _yaml_text(value: object) -> str:
    """A value as written in YAML (`.inf`, `true`), not as Python prints it (`inf`, `True`)."""
    if isinstance(value, (bool, float)) and (isinstance(value, bool) or not math.isfinite(value)):
        return yaml.safe_dump(value).removesuffix("\n...\n").strip()
    return str(value)


def load_narrative(data_dir: Path, year: int, format_id: str, problems: list[Problem]) -> dict[str, tuple[str, str]]:
    """The prose of each section, keyed by the section's narrative stem. A section without a table must
    have prose (a whitespace-only file counts as missing); any other file is an error, since its text
    would silently not appear in the report."""
    folder = data_dir / str(year) / "narrative"
    sections = get_format(format_id).sections
    stems = [s.narrative for s in sections]
    found: dict[str, tuple[str, str]] = {}
    guessed: set[str] = set()  # stems a misnamed file was told to be named: that error is enough
    # Hidden files are the file manager's (.DS_Store), never an analyst's prose.
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
    for path in entries:
        file = f"{year}/narrative/{path.name}"
        if outside(data_dir, path):
            problems.append(_outside_problem(path, file))
            guessed.add(path.stem)  # said once, not again as a missing part
            continue
        if path.is_file() and path.suffix == ".md" and path.stem in stems:
            try:
                found[path.stem] = (file, _decode(path.read_bytes()))
            except UndecodableText as exc:
                problems.append(Problem(str(exc), file, exc.line))
                guessed.add(path.stem)  # said once, not again as a missing part
            continue
        guess = difflib.get_close_matches(strip_numbering(path.stem), stems, n=1, cutoff=0.4)
        guessed.update(guess)
        hint = (f"是否应命名为 {guess[0]}.md？" if guess else
                f"文字稿的文件名为部分标题去掉序号再加 .md：{'、'.join(f'{s}.md' for s in stems)}")
        problems.append(Problem(f"不是本年度报告任何部分的文字稿，其内容不会出现在报告中；{hint}", file))
    for section in sections:
        if (section.table is not None or section.narrative in guessed
                or found.get(section.narrative, ("", ""))[1].strip()):
            continue
        file = f"{year}/narrative/{section.narrative}.md"
        todo = "请在此文件中写明该部分内容" if section.narrative in found else "请新建此文件"
        state = "内容为空" if section.narrative in found else "文件不存在"
        problems.append(Problem(f"{state}：「{section.heading}」部分必须有文字稿，{todo}", file))
    return found


def load_agency_data(data_dir: str | Path, year: int, strict: bool = True) -> AgencyData:
    """Read and validate everything a report of `year` needs; raise InputError listing every problem.

    With `strict` False the data comes back whatever its errors (in `warnings`, despite the name), so
    that a caller can look for more problems (the prose's figure names) and report them all in one pass."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise InputError([Problem(f"机构数据文件夹不存在：{data_dir}")])
    agency = load_agency(data_dir, problems)
    year_facts = load_year_facts(data_dir, year, problems)
    # ledgers span every report year of the agency: a date is implausible after the latest one's next year
    latest = max([year, *(int(p.parent.name) for p in data_dir.glob("*/report.yaml") if p.parent.name.isdigit())])
    ledgers: dict[str, pd.DataFrame] = {}
    sources: dict[str, str | None] = {}
    for stem in LEDGERS:
        ledgers[stem], sources[stem], found = load_ledger(data_dir, stem, latest)
        problems.extend(found)
    problems.extend(misnamed_ledgers(data_dir))
    if all(source is None for source in sources.values()):
        expected = "、".join(f"{s}.csv" for s in LEDGERS)
        problems.append(Problem(f"机构数据文件夹中没有任何台账文件（应有 {expected} 中的至少一个）"))
    narrative: dict[str, tuple[str, str]] = {}
    if year_facts is not None and year_facts.format_id in FORMAT_IDS:  # else the parts are unknown
        narrative = load_narrative(data_dir, year, year_facts.format_id, problems)
    if strict and any(not p.warning for p in problems):
        raise InputError(problems)
    return AgencyData(agency, year_facts, ledgers, sources, narrative, problems)
