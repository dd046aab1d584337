"""Reading a tagged PDF's structure tree back for the tests: elements by type, their text (through the
marked-content ids of the page streams), table cells with the texts of the headers they point at."""

from __future__ import annotations

import io

import pikepdf
import pypdf


def elements(element, kind: str | None = None):
    """Structure elements below `element`, depth first, in document order (all, or those of `kind`)."""
    k = element.get("/K")
    for kid in (list(k) if isinstance(k, pikepdf.Array) else [k]) if k is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kind is None or pikepdf.Name(kind) == kid.S:
                yield kid
            yield from elements(kid, kind)


def marked_texts(data: bytes) -> dict[tuple[int, int], str]:
    """(page index, MCID) → the text drawn in that marked content."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    texts: dict[tuple[int, int], str] = {}
    for number, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)  # noqa: B023
            elif op == b"BMC":
                stack.append(None)  # noqa: B023
            elif op == b"EMC" and stack:  # noqa: B023
                stack.pop()  # noqa: B023

        def text(t, cm, tm, font, size):
            mcid = next((m for m in reversed(stack) if m is not None), None)  # noqa: B023
            if mcid is not None and t:
                texts[(number, mcid)] = texts.get((number, mcid), "") + t  # noqa: B023

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


class TaggedPdf:
    def __init__(self, data: bytes):
        self.pdf = pikepdf.open(io.BytesIO(data))
        self.root = self.pdf.Root.StructTreeRoot
        self.texts = marked_texts(data)
        self.pages = {page.objgen: i for i, page in enumerate(self.pdf.pages)}
        names = self.root.IDTree.Names if "/IDTree" in self.root else []
        self.ids = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}

    def text(self, element) -> str:
        page = self.pages.get(element.Pg.objgen) if "/Pg" in element else None
        parts = []
        k = element.get("/K")
        for kid in (list(k) if isinstance(k, pikepdf.Array) else [k]) if k is not None else []:
            if isinstance(kid, int):
                parts.append(self.texts.get((page, int(kid)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                parts.append(self.text(kid))
        return "".join("".join(parts).split())

    def data_cells(self):
        """Every TD in document order: (its text, the texts of its /Headers)."""
        for td in elements(self.root, "/TD"):
            yield self.text(td), [self.text(self.ids[str(h)]) for h in td.A.get("/Headers", [])]
