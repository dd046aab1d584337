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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine
import yaml

from .formats import FORMAT_IDS, default_format_id, national_outcomes, report_facts, vocabulary
from .problems import InputError, Problem

# Excel users type full-width digits and separators; dates and numbers accept them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／，", "0123456789.-/,")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:00(?::00)?)?$")
_MAX_PER_COLUMN = 20  # problems listed per column before summarising the rest


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese column name, exactly as in the contract
    name: str  # the DataFrame column it becomes
    kind: str  # key | text | date | enum | channels | count | amount
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


_UNKNOWN_ENCODING = "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"


def _decode(raw: bytes) -> str:
    """Decode a small text file (YAML, Markdown) by the same rules as the ledgers."""
    if raw.startswith(_UTF16_BOMS):
        return raw.decode("utf-16")
    for encoding in _ENCODINGS[:-1]:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode(_ENCODINGS[-1])


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
    if "".join(path.suffix.split()).lower() == ".xlsx":
        frame, header_index, problems = _read_xlsx(path, spec)
    else:
        for encoding in _csv_encodings(path):
            try:
                frame, header_index = _read_csv(path, encoding, spec)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_UNKNOWN_ENCODING)
        problems = []
    if frame is None:
        return pd.DataFrame({"_row": []}), problems
    names, duplicates = _column_names(list(frame.columns), spec, path.name, header_index + 1)
    frame.columns = names
    if duplicates:
        return pd.DataFrame({"_row": []}), problems + duplicates
    frame["_row"] = np.arange(header_index + 2, len(frame) + header_index + 2)
    blank = _blank_rows(frame)
    return (frame[~blank].reset_index(drop=True) if blank.any() else frame), problems


def _read_xlsx(path: Path, spec: LedgerSpec) -> tuple[pd.DataFrame | None, int, list[Problem]]:
    """The worksheet holding the ledger (None when it is empty), its header's row index and a warning
    when that is not the first worksheet. Columns are named by their header text."""
    try:
        book = python_calamine.load_workbook(str(path))
        sheets = [book.get_sheet_by_index(i) for i in range(len(book.sheet_names))]
        # skip_empty_area=False: rows and columns start at A1, so that indexes are Excel's numbering
        tops = [[[_header_text(v) for v in r] for r in s.to_python(skip_empty_area=False, nrows=_HEADER_ROWS)]
                for s in sheets]
    except Exception as exc:  # calamine raises several unrelated types for a broken workbook
        raise ValueError(f"无法读取 Excel 文件（{exc}）；请确认文件是 .xlsx 格式且未损坏") from exc
    if not sheets:
        return None, 0, []
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
        return None, header_index, problems
    header = tops[chosen][header_index]
    body = [[_cell_text(v) for v in r] for r in rows[header_index + 1:]]
    # positional names while building: the header may repeat a name or leave cells blank
    frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(len(header)))
    plain = _plain_text_headers(spec)
    for i, name in enumerate(header):
        if name not in plain:
            frame[i] = frame[i].astype("category")
    frame.columns = header
    return frame, header_index, problems


def _read_csv(path: Path, encoding: str, spec: LedgerSpec) -> tuple[pd.DataFrame | None, int]:
    """The CSV in `encoding` (None when it is empty) and its header's row index; UnicodeDecodeError
    when it is not in that encoding. Columns are named by their header text."""
    with path.open(encoding=encoding, newline="") as f:
        top = list(itertools.islice(f, _HEADER_ROWS))
    if not "".join(top).strip():
        return None, 0
    # comma, or tab (Excel's "Unicode text"): whichever splits a row into the ledger's header
    candidates = []
    for sep in (",", "\t"):
        rows = [[re.sub(r"\s+", "", cell) for cell in row] for row in csv.reader(top, delimiter=sep)]
        candidates.append((*_find_header(rows, spec), sep, rows))
    index, found, sep, rows = max(candidates, key=lambda c: c[1])
    if not found:  # no header found: the first line decides, as the missing columns will be reported
        index, sep = 0, "\t" if "\t" in top[0] and "," not in top[0] else ","
        rows = candidates[sep == "\t"][3]
    header = rows[index] if index < len(rows) else []
    plain = _plain_text_headers(spec)
    try:
        frame = pd.read_csv(path, sep=sep, encoding=encoding, header=None, skiprows=index + 1,
                            names=range(len(header)), dtype={i: (object if name in plain else "category")
                                                            for i, name in enumerate(header)},
                            na_filter=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        raise ValueError(f"CSV 格式错误（{exc}）") from exc
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=range(len(header)))
    frame.columns = header
    return frame, index


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
    return codes, uniques.fillna("").astype(str).str.strip()


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
    parts = text.str.translate(_FULL_WIDTH).str.extract(_DATE)
    numbers = parts.apply(pd.to_numeric, errors="coerce")
    numbers.columns = ["year", "month", "day"]
    return pd.to_datetime(numbers, errors="coerce")


def _validate_column(
    frame: pd.DataFrame, col: Column, out: _Collector, typed: dict[str, object]
) -> None:
    n = len(frame)
    if col.header in frame.columns:
        codes, uniques = _codes(frame[col.header])
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

    if col.kind == "date":
        parsed = _parse_dates(uniques)
        out.rows(per_row(parsed.isna() & ~empty_u), col.header,
                 lambda pos: f"“{value(pos)}”不是有效日期，应为 YYYY-MM-DD，例如 2017-03-05")
        typed[col.name] = pd.DatetimeIndex(parsed).take(codes) if len(codes) else pd.DatetimeIndex([])
    elif col.kind in ("count", "amount"):
        clean = uniques.str.translate(_FULL_WIDTH).str.replace(",", "", regex=False)
        pattern = r"^\d+$" if col.kind == "count" else r"^\d+(?:\.\d+)?$"
        well_formed = clean.str.fullmatch(pattern).fillna(False).astype(bool)
        number = pd.to_numeric(clean.where(well_formed), errors="coerce")
        if col.kind == "count":
            bad = ~empty_u & (~well_formed | (number <= 0))
            out.rows(per_row(bad), col.header, lambda pos: f"“{value(pos)}”不是正整数")
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
        if col.kind == "key":
            dup = pd.Series(codes).duplicated(keep="first").to_numpy() & ~per_row(empty_u)
            if dup.any():
                first = pd.Series(out.row_numbers).groupby(codes).transform("min").to_numpy()
                out.rows(dup, col.header, lambda pos: f"编号“{value(pos)}”重复（第{int(first[pos])}行已有）")


def _cross_checks(stem: str, t: pd.DataFrame, out: _Collector) -> None:
    """Rules between columns of one row (spec/ledgers.md)."""
    if stem == "requests":
        has_outcome, has_reply = (t["outcome"] != "").to_numpy(), t["replied"].notna().to_numpy()
        out.rows(has_outcome & ~has_reply, "答复日期",
                 lambda pos: "已填写办理结果，但答复日期为空（两者应同时填写或同时为空）")
        out.rows(~has_outcome & has_reply, "办理结果",
                 lambda pos: "已填写答复日期，但办理结果为空（两者应同时填写或同时为空）")
        out.rows(t["replied"] < t["received"], "答复日期", lambda pos: "答复日期早于收到日期")
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


def parse_ledger(stem: str, frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a raw ledger (text columns and `_row`) and return it typed, with every problem found."""
    frame = frame.reset_index(drop=True)
    out = _Collector(file, frame["_row"].to_numpy())
    typed: dict[str, object] = {"_row": frame["_row"].to_numpy()}
    for col in LEDGERS[stem].columns:
        _validate_column(frame, col, out, typed)
    result = pd.DataFrame(typed)
    if not out.problems:
        _cross_checks(stem, result, out)
    return result, out.problems


def load_ledger(data_dir: Path, stem: str) -> tuple[pd.DataFrame, str | None, list[Problem]]:
    paths = find_ledger(data_dir, stem)
    if not paths:
        return empty_ledger(stem), None, []
    if len(paths) > 1:
        names = "、".join(p.name for p in paths)
        return empty_ledger(stem), None, [Problem(f"同一台账有多个文件（{names}），请只保留一个", paths[0].name)]
    path = paths[0]
    try:
        raw, layout = read_table(path, LEDGERS[stem])
    except ValueError as exc:
        return empty_ledger(stem), path.name, [Problem(str(exc), path.name)]
    if any(not p.warning for p in layout):
        return empty_ledger(stem), path.name, layout
    typed, problems = parse_ledger(stem, raw, path.name)
    return typed, path.name, layout + problems


# --- agency.yaml and report.yaml ---------------------------------------------------------------


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text: PyYAML raises a bare ValueError on 2018-13-40."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, problems: list[Problem], name: str) -> dict | None:
    if not path.exists():
        problems.append(Problem("文件不存在", name))
        return None
    try:
        data = yaml.load(_decode(path.read_bytes()), Loader=_YamlLoader)
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


def load_agency(data_dir: Path, problems: list[Problem]) -> Agency | None:
    data = _read_yaml(data_dir / "agency.yaml", problems, "agency.yaml")
    if data is None:
        return None
    for key in ("名称", "简称"):
        if not str(data.get(key) or "").strip():
            problems.append(Problem(f"缺少必填项「{key}」", "agency.yaml"))
    unknown = sorted(set(data) - set(_AGENCY_KEYS))
    if unknown:
        problems.append(Problem(
            f"未知的项：{'、'.join(map(str, unknown))}；允许的项：{'、'.join(_AGENCY_KEYS)}", "agency.yaml"))
    values = {field: str(data.get(key) or "").strip() for key, field in _AGENCY_KEYS.items()}
    return Agency(slug=data_dir.resolve().name, **values)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = _parse_dates(pd.Series([str(value or "").strip()]))[0]
    return None if pd.isna(parsed) else parsed.date()


def load_year_facts(data_dir: Path, year: int, problems: list[Problem]) -> YearFacts | None:
    name = f"{year}/report.yaml"
    data = _read_yaml(data_dir / str(year) / "report.yaml", problems, name)
    if data is None:
        return None
    published = _as_date(data.get("发布日期"))
    if published is None:
        problems.append(Problem("「发布日期」缺失或不是有效日期，应为 YYYY-MM-DD", name))
    format_id = str(data.get("格式") or default_format_id(year))
    if format_id not in FORMAT_IDS:
        problems.append(Problem(f"「格式」“{format_id}”无效；允许的值：{'、'.join(FORMAT_IDS)}", name))
    kinds = report_facts()
    unknown = sorted(set(data) - set(kinds) - {"发布日期", "格式", "附录"})
    if unknown:
        problems.append(Problem(
            f"未知的项：{'、'.join(map(str, unknown))}；允许的项：发布日期、格式、附录、{'、'.join(kinds)}", name))
    appendices = data.get("附录") or []
    if isinstance(appendices, str):
        appendices = [appendices]
    for item in appendices:
        if item not in APPENDICES:
            problems.append(Problem(f"「附录」“{item}”无效；允许的值：{'、'.join(APPENDICES)}", name))
    facts: dict[str, float] = {}
    for key, kind in kinds.items():
        value = data.get(key, 0)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        if kind == "count":
            ok = ok and float(value).is_integer()
        if not ok:
            expected = "非负整数" if kind == "count" else "非负金额（万元）"
            problems.append(Problem(f"「{key}」的值“{value}”应为{expected}", name))
            value = 0
        facts[key] = int(value) if kind == "count" else float(value)
    return YearFacts(year, published or date(year + 1, 1, 1), format_id, facts,
                     tuple(a for a in appendices if a in APPENDICES))


def load_narrative(data_dir: Path, year: int) -> dict[str, tuple[str, str]]:
    folder = data_dir / str(year) / "narrative"
    if not folder.is_dir():
        return {}
    return {
        p.stem: (f"{year}/narrative/{p.name}", _decode(p.read_bytes()))
        for p in sorted(folder.glob("*.md"))
    }


def load_agency_data(data_dir: str | Path, year: int) -> AgencyData:
    """Read and validate everything a report of `year` needs; raise InputError listing every problem."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise InputError([Problem(f"机构数据文件夹不存在：{data_dir}")])
    agency = load_agency(data_dir, problems)
    year_facts = load_year_facts(data_dir, year, problems)
    ledgers: dict[str, pd.DataFrame] = {}
    sources: dict[str, str | None] = {}
    for stem in LEDGERS:
        ledgers[stem], sources[stem], found = load_ledger(data_dir, stem)
        problems.extend(found)
    problems.extend(misnamed_ledgers(data_dir))
    if all(source is None for source in sources.values()):
        expected = "、".join(f"{s}.csv" for s in LEDGERS)
        problems.append(Problem(f"机构数据文件夹中没有任何台账文件（应有 {expected} 中的至少一个）"))
    if any(not p.warning for p in problems):
        raise InputError(problems)
    return AgencyData(agency, year_facts, ledgers, sources, load_narrative(data_dir, year), problems)
