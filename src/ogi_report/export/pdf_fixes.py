"""Post-processing of WeasyPrint's PDF/A-3 tagged output (pikepdf), for what WeasyPrint 70 gets wrong.

Each fix names the WeasyPrint behaviour it works around; drop it when WeasyPrint does it (the tests in
tests/test_pdf_archive.py check the result, not the fix, so they tell when a fix became unneeded).
The output is deterministic: pikepdf is told not to write its own identifiers or dates.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..table_headers import GridCell, associate


def fix(pdf_bytes: bytes) -> bytes:
    """The PDF with its associated files, table headers and ID tree repaired."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        _dedupe_associated_files(pdf)
        ids: dict[str, pikepdf.Object] = {}
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
            carried: Carried = ([], [])
            previous_page = None
            for number, table in enumerate(_elements(root, "/Table")):
                page = pages.get(table.Pg.objgen) if "/Pg" in table else None
                continued = previous_page is not None and page == previous_page + 1
                carried = _fix_table(table, number, ids, carried if continued else ([], []))
                previous_page = page
            if ids:
                _write_id_tree(pdf, root, ids)
        out = io.BytesIO()
        # qpdf would renew the second half of /ID at random: derive it from the content; and write no
        # pikepdf version into the metadata.
        pdf.save(out, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _dedupe_associated_files(pdf: pikepdf.Pdf) -> None:
    """WeasyPrint 70 (pdf/pdfa.py) lists each attachment twice in the catalog's /AF: once from the
    /EmbeddedFiles name tree and once from its /Filespec object. Drop when WeasyPrint does it."""
    af = pdf.Root.get("/AF")
    if af is None:
        return
    seen, kept = set(), []
    for spec in af:
        key = spec.objgen
        if key not in seen:
            seen.add(key)
            kept.append(spec)
    pdf.Root.AF = Array(kept)


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    k = element.get("/K")
    if k is None:
        return []
    items = list(k) if isinstance(k, Array) else [k]
    return [item for item in items if isinstance(item, Dictionary) and "/S" in item]


def _elements(element: pikepdf.Object, kind: str):
    """Structure elements of type `kind` below `element`, depth first, in document order."""
    for kid in _kids(element):
        if kid.get("/S") == Name(kind):
            yield kid
        yield from _elements(kid, kind)


def _rows(table: pikepdf.Object) -> list[pikepdf.Object]:
    rows = []
    for kid in _kids(table):
        if Name("/TR") == kid.S:
            rows.append(kid)
        elif kid.S in (Name("/THead"), Name("/TBody"), Name("/TFoot")):
            rows.extend(k for k in _kids(kid) if Name("/TR") == k.S)
    return rows


def _attributes(cell: pikepdf.Object) -> pikepdf.Object:
    """The cell's /Table attribute dictionary (WeasyPrint writes one dictionary with /O /Table)."""
    a = cell.get("/A")
    if a is None:
        cell.A = Dictionary(O=Name("/Table"))
        return cell.A
    return a


def _span(cell: pikepdf.Object, key: str) -> int:
    a = cell.get("/A")
    return int(a.get(key, 1)) if isinstance(a, Dictionary) else 1


# A merged cell that runs past the end of a page's part of a table: its key and grid column, whether it is a
# header, and how many of the next part's rows it still covers.
Pending = tuple[str, int, bool, int]
# A table part's last run of header rows: each row's cell keys and cells.
HeaderRun = list[tuple[list[str], list[GridCell]]]
Carried = tuple[list[Pending], HeaderRun]


def _fix_table(table: pikepdf.Object, number: int, ids: dict[str, pikepdf.Object], carried: Carried) -> Carried:
    """WeasyPrint 70 (pdf/tags.py) writes no /Scope on TH cells (PDF/UA-1 wants it), and its /Headers
    lose their column through rowspans (its span bookkeeping skips one slot per row, whatever the span),
    so data cells below a merged label point at the wrong headers or none. Recomputed here from the
    cells' own /RowSpan and /ColSpan with the rule the HTML uses (table_headers.py). Drop when WeasyPrint
    scopes header cells and maps headers through spans.

    WeasyPrint also tags each page's part of a table as a table of its own, with the header rows again
    and without the part of a merged label that runs onto the page (三、本年度办理结果 over 22 rows):
    `pending` are those cells of the previous part; they are put back in front of this part's first body
    row, so its cells point at them too. A part that starts with data rows and no header rows of its own
    (the 主动公开 table, whose headers restart in its body) gets the previous part's last header rows in
    front. Both only for a table that starts on the page after the previous one. Drop when WeasyPrint
    tags a table across pages as one. Returns what this part leaves to the next."""
    pending, header_run = carried
    sections = [k for k in _kids(table)]
    head_rows = sum(len([r for r in _kids(k) if Name("/TR") == r.S]) for k in sections if Name("/THead") == k.S)
    cells = [[c for c in _kids(row) if c.S in (Name("/TH"), Name("/TD"))] for row in _rows(table)]
    keys = [[f"t{number}-{i}-{k}" for k in range(len(row))] for i, row in enumerate(cells)]
    grid = [[GridCell(Name("/TH") == c.S, _span(c, "/RowSpan"), _span(c, "/ColSpan")) for c in row] for row in cells]
    if header_run and head_rows == 0 and grid and not all(g.header for g in grid[0]):
        grid[:0] = [list(row) for _, row in header_run]
        keys[:0] = [list(row_keys) for row_keys, _ in header_run]
        cells[:0] = [[None] * len(row) for _, row in header_run]
        head_rows = len(header_run)
    if pending and head_rows < len(grid):
        carried = sorted(pending, key=lambda p: p[1])
        grid[head_rows][:0] = [GridCell(header, rows, 1) for _, _, header, rows in carried]
        keys[head_rows][:0] = [key for key, _, _, _ in carried]
        cells[head_rows][:0] = [None] * len(carried)
    found = associate(grid)
    for (i, k), scope in found.scopes.items():
        cell = cells[i][k]
        if cell is None:
            continue  # carried from the previous part, where it has its scope and ID
        _attributes(cell).Scope = Name("/Row") if scope == "row" else Name("/Column")
        cell.ID = String(keys[i][k])  # WeasyPrint's own IDs are not in an /IDTree
        ids[keys[i][k]] = cell
    for (i, k), headers in found.headers.items():
        if cells[i][k] is not None:
            _attributes(cells[i][k]).Headers = Array([String(keys[h[0]][h[1]]) for h in headers])
    run_end = len(grid)
    while run_end and not all(g.header for g in grid[run_end - 1]):
        run_end -= 1
    run_start = run_end
    while run_start and all(g.header for g in grid[run_start - 1]):
        run_start -= 1
    return ([(keys[i][k], column, grid[i][k].header, row + grid[i][k].rowspan - len(grid))
             for (i, k), (row, column) in found.places.items() if row + grid[i][k].rowspan > len(grid)],
            [(keys[i], grid[i]) for i in range(run_start, run_end)])


def _write_id_tree(pdf: pikepdf.Pdf, root: pikepdf.Object, ids: dict[str, pikepdf.Object]) -> None:
    """WeasyPrint 70 gives TH cells an /ID but writes no /IDTree, so /Headers point at nothing a reader
    can look up. Drop when WeasyPrint writes the ID tree."""
    names = Array()
    for key in sorted(ids):  # a name tree's keys are sorted
        names.append(String(key))
        names.append(ids[key])
    root.IDTree = pdf.make_indirect(Dictionary(Names=names))
