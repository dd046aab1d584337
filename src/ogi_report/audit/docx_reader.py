"""A report published as a Word file (.docx), read with python-docx after the package has been checked.

A .docx is a zip of XML parts. Before python-docx opens it the zip is checked: members' uncompressed sizes
and compression ratios are capped (zip bombs) and no part may declare a DTD (the "billion laughs" entity
expansion, external entities). python-docx's own parser does not resolve entities either.
Merged cells: `gridSpan` spans columns, `vMerge` continues the cell above.
"""

from __future__ import annotations

import io
import re
import zipfile

from .document import Document, Placed, TooLarge, from_placed

MAX_MEMBERS = 2000
MAX_PART_BYTES = 64 * 1024 * 1024      # one XML part, uncompressed
MAX_TOTAL_BYTES = 256 * 1024 * 1024    # all parts, uncompressed
MAX_RATIO = 200                        # text XML compresses ~10×; a bomb ~1000×
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


class UnreadableDocx(ValueError):
    pass


def _check_zip(raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        raise UnreadableDocx("不是有效的 Word（.docx）文件（无法作为 zip 打开）") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnreadableDocx(f"文件包含{len(members)}个部件，超过读取上限")
        total = 0
        for info in members:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or (info.file_size > 1_000_000
                                                                                and ratio > MAX_RATIO):
                raise UnreadableDocx(f"部件 {info.filename} 解压后过大（{info.file_size}字节），疑为压缩炸弹，未读取")
        names = {m.filename for m in members}
        if "word/document.xml" not in names:
            raise UnreadableDocx("不是 Word 文档（缺少 word/document.xml）")
        for info in members:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(64 * 1024)
                if _DTD.search(head):
                    raise UnreadableDocx(f"部件 {info.filename} 含有 DTD 或实体声明，按不安全文件拒绝读取")


def _nested(node, stop, tags: tuple[str, ...] = (f"{_W}tbl",)) -> bool:  # type: ignore[no-untyped-def]
    """Whether `node` sits in one of `tags` below `stop`: a nested table (or a text box's paragraph)."""
    for ancestor in node.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in tags:
            return True
    return False


def _cell_text(tc) -> str:  # type: ignore[no-untyped-def]
    """A cell's text, paragraphs joined without spaces (labels split by line breaks), nested tables left out."""
    return "".join(t.text or "" for t in tc.iter(f"{_W}t") if not _nested(t, tc))


def _grid(tbl, where: str):  # type: ignore[no-untyped-def]
    cells: list[Placed] = []
    above: dict[int, int] = {}  # column → index in `cells` of the cell that a vMerge continues
    for r, tr in enumerate(tbl.iterchildren(f"{_W}tr")):
        c = 0
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            c += int(before.get(f"{_W}val", "0") or 0)
        for tc in tr.iterchildren(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span_el = props.find(f"{_W}gridSpan") if props is not None else None
            span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
            span = span if 0 < span <= 100 else 1
            merge = props.find(f"{_W}vMerge") if props is not None else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue" and c in above:
                i = above[c]
                old = cells[i]
                cells[i] = Placed(old.row, old.column, r - old.row + 1, old.colspan, old.text)
            else:
                cells.append(Placed(r, c, 1, span, _cell_text(tc)))
                for k in range(c, c + span):
                    above[k] = len(cells) - 1
            c += span
    return from_placed(cells, where)


def read_docx(raw: bytes, source: str) -> Document:
    _check_zip(raw)
    import docx  # python-docx: imported here, only when a Word file is read
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableDocx(f"无法读取 Word 文档（{type(exc).__name__}）") from None
    except Exception as exc:  # lxml's XMLSyntaxError and python-docx's own errors on a broken part
        raise UnreadableDocx(f"Word 文档内容损坏（{type(exc).__name__}）") from None
    doc = Document(source)
    title = (word.core_properties.title or "").strip()
    if title:
        doc.title_hints.append(title)
    count = 0
    body = word.element.body
    for block in body.iter(f"{_W}p", f"{_W}tbl"):
        # Top-level blocks only (content controls may wrap them): not a table's cell, not a text box.
        if _nested(block, body, (f"{_W}tbl", f"{_W}p")):
            continue
        if block.tag == f"{_W}p":
            text = "".join(t.text or "" for t in block.iter(f"{_W}t"))
            if text.strip():
                doc.blocks.append(" ".join(text.split()))
        else:
            count += 1
            try:
                doc.add_grid(_grid(block, f"第{count}个表格"))
            except TooLarge as exc:
                doc.problems.append(str(exc))
    return doc
