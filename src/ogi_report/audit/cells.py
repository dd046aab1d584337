"""Published table grids → our figures.csv cells, whatever the portal did to the tables.

All grids of a report are read as one stream of rows: a header row (column labels, no numbers) sets the
columns' headers until the next header row, so a table split in two (its second part without headers)
or several tables merged into one are read alike. In a data row each number or blank is the cell of the
template whose row words are among the row's labels (left of it) and whose column words are among its
column's headers. The template whose cells are found most is the report's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .document import Grid
from .labels import (
    UNITS,
    Number,
    clean,
    convert,
    is_not_filled,
    label_notes,
    label_parts,
    normalise,
    parse_number,
    table_unit,
    unit_of_label,
)
from .layout import FORMAT_IDS, Target, header_words, targets
from .model import PublishedCell, Unrecognised

_MIN_CONTAINED = 4  # a known word found inside a longer label counts only from this length on


@cache
def _vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    words = {w for fid in FORMAT_IDS for t in targets(fid) for w in (*t.row_words, *t.column_words)}
    return frozenset(words), tuple(sorted((w for w in words if len(w) >= _MIN_CONTAINED), key=len, reverse=True))


@cache
def known_words(label: str) -> frozenset[str]:
    """The template words a normalised label is or contains (`（三）不予公开1.属于国家秘密` → both)."""
    exact, long_words = _vocabulary()
    found = {label} & exact
    found.update(w for w in long_words if w != label and w in label)
    return frozenset(found)


@cache
def label_words(text: str, notes: bool = False) -> frozenset[str]:
    """The template words of a label as written: those of the whole label, of each numbered label joined
    into it (`三、本年度办理结果 （七）总计`), and, for a column header, of its bracketed notes
    (`行政诉讼（复议后起诉）`)."""
    words = set(known_words(normalise(text)))
    for part in (*label_parts(text), *(label_notes(text) if notes else ())):
        words |= known_words(part)
    return frozenset(words)


@cache
def _index(format_id: str) -> dict[str, list[Target]]:
    """Targets by their most specific word: the last row word, or the last column word."""
    index: dict[str, list[Target]] = defaultdict(list)
    for target in targets(format_id):
        index[(target.row_words or target.column_words)[-1]].append(target)
    return dict(index)


@dataclass
class _Candidate:
    """A number or blank in a data row, with what surrounds it."""

    text: str
    number: Number | None
    where: str
    row_labels: list[tuple[int, str, frozenset[str]]]  # (column, raw text, known words), left of it
    column_words: frozenset[str]
    column_headers: frozenset[str]  # the headers as written (normalised)
    declared_unit: str | None
    row_text: str
    table_unit: str | None = None  # the unit a caption states for the whole table


@dataclass
class _Match:
    cells: dict[tuple[str, str, str], PublishedCell] = field(default_factory=dict)
    order: list[tuple[str, str, str]] = field(default_factory=list)
    unmatched: list[_Candidate] = field(default_factory=list)
    conflicts: list[Unrecognised] = field(default_factory=list)


def _candidates(grids: list[Grid]) -> list[_Candidate]:
    header_known = header_words()
    headers: dict[int, list[str]] = {}  # column → normalised header texts of the current header block
    raw_headers: dict[int, list[str]] = {}
    header_grid: Grid | None = None
    in_header = False
    out: list[_Candidate] = []
    units: dict[int, str | None] = {}  # id(grid) → the unit its caption states
    for grid in grids:
        units[id(grid)] = grid.unit
        for r, row in enumerate(grid.rows):
            own = {}  # origin → (column, text): each cell once, at its first column
            for c, slot in enumerate(row):
                own.setdefault(slot.origin, (c, slot.text))
            numbers, blanks, labels = [], [], []
            for origin, (c, text) in own.items():
                number = parse_number(text)
                if number is not None:
                    numbers.append((c, text, number, origin))
                elif is_not_filled(text):
                    blanks.append((c, text, None, origin))
                else:
                    labels.append((c, text, origin))
            head_hits = {normalise(t) for _, t, o in labels if o[0] == r and normalise(t) in header_known}
            if not numbers and (len(head_hits) >= 2 or (head_hits and not blanks)):
                if not in_header:
                    headers, raw_headers, in_header, header_grid = {}, {}, True, grid
                for c, slot in enumerate(row):
                    word = normalise(slot.text)
                    if word and word not in headers.setdefault(c, []):
                        headers[c].append(word)
                        raw_headers.setdefault(c, []).append(slot.text)
                continue
            if not numbers and not labels:
                continue
            if not numbers and len(own) == 1 and (unit := table_unit(labels[0][1] if labels else "")):
                # A caption row "单位：元" over the table. Only a unit of money matters (counts are never
                # converted): "单位：件" there does not undo the "（金额单位：元）" written above the table.
                units[id(grid)] = unit if unit in ("万元", "元") else units[id(grid)]
                continue
            if not numbers and not any(label_words(t) for _, t, _ in labels):
                continue  # a caption or title row inside the table
            in_header = False
            row_text = " | ".join(clean(t) or "（空）" for _, t, *_ in sorted([*labels, *numbers, *blanks]))
            unit_cells = [(c, clean(t)) for c, t, _ in labels if clean(t) in UNITS]
            label_info = [(c, t, label_words(t)) for c, t, _ in labels if clean(t) not in UNITS]
            left: list[tuple[int, str, frozenset[str]]] = []
            for c, text, number, _origin in sorted([*numbers, *blanks], key=lambda x: x[0]):
                # A table continued without its header (a page break) may have other columns on the left:
                # a PDF piece has only the column edges of its own cells. Figures are on the right: align so.
                hc = c if header_grid is None or header_grid is grid else c + header_grid.width - grid.width
                column_words = frozenset(w for h in raw_headers.get(hc, []) for w in label_words(h, notes=True))
                # The 单位 cell of this figure: the nearest on its left (统计指标｜单位｜数量), else on its right.
                declared = next((u for uc, u in reversed(unit_cells) if uc < c), None) or next(
                    (u for uc, u in unit_cells if uc > c), None)
                declared = declared or next(
                    (u for h in raw_headers.get(hc, []) if (u := unit_of_label(h))), None)
                if len(left) != sum(1 for lab in label_info if lab[0] < c):  # the same for most of a row
                    left = [lab for lab in label_info if lab[0] < c]
                declared = declared or next((u for _, t, _ in reversed(left) if (u := unit_of_label(t))), None)
                out.append(_Candidate(text, number, f"{grid.where}第{r + 1}行第{c + 1}列", left, column_words,
                                      frozenset(headers.get(hc, [])), declared, row_text,
                                      units[id(grid)]))
    return out


def _best(candidate: _Candidate, format_id: str) -> Target | None:
    left = tuple((c, text) for c, text, _ in candidate.row_labels)
    return _best_for(format_id, left, candidate.column_words, candidate.column_headers)


@lru_cache(maxsize=1 << 16)  # the same row and column labels recur on every page of a batch
def _best_for(format_id: str, left: tuple[tuple[int, str], ...], column_words: frozenset[str],
              column_headers: frozenset[str]) -> Target | None:
    """The most specific target whose row words are among the labels `left` of the cell and whose
    column words are among its column's headers."""
    labels = [(c, text, label_words(text)) for c, text in left]
    row_words = frozenset(w for _, _, words in labels for w in words)
    index = _index(format_id)
    pool = {id(t): t for w in (row_words | column_words) for t in index.get(w, ())}
    best: tuple[tuple[int, int, int], Target] | None = None
    for target in pool.values():
        if not (set(target.row_words) <= row_words and set(target.column_words) <= column_words):
            continue
        # The nearest label decides between targets of one row of a two-indicator customary table; at the
        # same label, one written exactly beats one found inside it (不同意公开答复数 ⊃ 同意公开答复数).
        nearest, text = max(((c, t) for c, t, words in labels if set(target.row_words) & words), default=(0, ""))
        exactly = sum(w in column_headers for w in target.column_words) + (normalise(text) in target.row_words)
        score = (len(target.row_words) + len(target.column_words), nearest, exactly)
        if best is None or score > best[0]:
            best = (score, target)
    return best[1] if best else None


def _match(candidates: list[_Candidate], format_id: str) -> _Match:
    result = _Match()
    for cand in candidates:
        target = _best(cand, format_id)
        if target is None:
            if cand.number is not None:
                result.unmatched.append(cand)
            continue
        if cand.number is None:
            value = None
        else:
            # A table's stated unit (a caption, a paragraph above it) counts only for sums of money: "单位：元"
            # over table 二 does not make its counts money.
            money = target.unit in ("万元", "元") and cand.table_unit in ("万元", "元")
            value = convert(cand.number, target.unit, cand.declared_unit or (cand.table_unit if money else None))
            if value is None:
                result.conflicts.append(Unrecognised(
                    cand.where, f"「{target.row}」「{target.column}」应为{target.unit}，表中写作“{cand.text}”"))
        cell = PublishedCell(target.table, target.row, target.column, value, cand.text.strip(), cand.where)
        previous = result.cells.get(target.key)
        if previous is None:
            result.cells[target.key] = cell
            result.order.append(target.key)
        elif value is None:
            continue  # an empty cell beside the number (a value not spanning its header's columns)
        elif previous.value is None:
            result.cells[target.key] = cell
        elif previous.value != value:
            both = f"{previous.text or '空'}，{cell.text or '空'}"
            text = f"「{target.row}」「{target.column}」出现两次，数值不同（{both}）"
            result.conflicts.append(Unrecognised(cell.where, text))
    return result


@dataclass
class TableReading:
    format_id: str | None
    cells: list[PublishedCell]
    missing: list[tuple[str, str, str]]
    unrecognised: list[Unrecognised]


def read_tables(grids: list[Grid], year: int | None = None) -> TableReading:
    """The cells of the template the grids fit best; what was found but not recognised; what is missing."""
    candidates = _candidates(grids)
    matches = {fid: _match(candidates, fid) for fid in FORMAT_IDS}
    counts = {fid: len(m.cells) for fid, m in matches.items()}
    if not any(counts.values()):
        unrecognised = _unrecognised_rows(candidates)
        return TableReading(None, [], [], unrecognised)
    # 2021 and 2019 share tables 三 and 四: the year decides a tie.
    preferred = "2019" if year in (2019, 2020) else "2021"
    format_id = max(counts, key=lambda fid: (counts[fid], fid == preferred))
    match = matches[format_id]
    found = set(match.order)
    cells = [match.cells[t.key] for t in targets(format_id) if t.key in found]
    missing = [t.key for t in targets(format_id) if t.key not in found]
    return TableReading(format_id, cells, missing, match.conflicts + _unrecognised_rows(match.unmatched))


def _unrecognised_rows(candidates: list[_Candidate]) -> list[Unrecognised]:
    """One entry per row with numbers that fit no cell of the template, with the row as found."""
    out: dict[str, Unrecognised] = {}
    for cand in candidates:
        if cand.number is None:
            continue
        where = cand.where.rsplit("第", 1)[0]  # the row, not each column
        out.setdefault(where, Unrecognised(where, cand.row_text))
    return list(out.values())
