"""A tiny, dependency-free PDF 1.4 writer for the demo plant's manuals.

Only what an OEM-style manual needs: A4 pages, the standard Helvetica and Helvetica-Bold fonts
with WinAnsi (Windows-1252) text, headings, wrapped paragraphs, bullet lines, tables drawn as
text in fixed columns, a running header and footer, a document title, and a classic
cross-reference table. The output depends only on the content: no dates, no ids, uncompressed
streams (so the bytes do not depend on the zlib build either), `\n` line ends.
"""

PAGE_W, PAGE_H = 595, 842  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 56, 539, 790, 70
BODY, LEAD = 10, 13.5
# Average glyph width in em for wrapping (Helvetica is about 0.5; a little more keeps lines short).
AVG_EM = 0.52


def _esc(text):
    """A PDF literal string body: Windows-1252 bytes with \\, ( and ) escaped."""
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def wrap(text, width_pt, size):
    """Greedy word wrap to an estimated width."""
    limit = max(8, int(width_pt / (size * AVG_EM)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = word if not line else line + " " + word
    if line:
        lines.append(line)
    return lines or [""]


class Page:
    """One page being laid out top to bottom."""

    def __init__(self, doc, number):
        self.doc = doc
        self.number = number
        self.ops = []
        self.y = TOP

    def text(self, x, y, text, size=BODY, bold=False):
        font = "F2" if bold else "F1"
        self.ops.append(b"BT /%s %d Tf %.1f %.1f Td (%s) Tj ET" % (
            font.encode(), size, x, y, _esc(text)))

    def rule(self, y, width=0.6):
        self.ops.append(b"%.1f w %d %.1f m %d %.1f l S" % (width, LEFT, y, RIGHT, y))

    def _need(self, height):
        if self.y - height < BOTTOM:
            raise ValueError("page %d of %r overflows: move some content to the next page"
                             % (self.number, self.doc.title))

    def h1(self, text):
        self._need(30)
        self.y -= 8
        self.text(LEFT, self.y - 14, text, 15, True)
        self.y -= 20
        self.rule(self.y, 1.0)
        self.y -= 12

    def h2(self, text):
        self._need(24)
        self.y -= 6
        self.text(LEFT, self.y - 11, text, 11.5, True)
        self.y -= 19

    def p(self, text, size=BODY, bold=False, indent=0):
        for line in wrap(text, RIGHT - LEFT - indent, size):
            self._need(LEAD)
            self.text(LEFT + indent, self.y - size, line, size, bold)
            self.y -= LEAD
        self.y -= 4

    def bullets(self, items):
        for item in items:
            lines = wrap(item, RIGHT - LEFT - 14, BODY)
            self._need(LEAD * len(lines))
            self.text(LEFT + 4, self.y - BODY, "-", BODY)
            for line in lines:
                self.text(LEFT + 14, self.y - BODY, line, BODY)
                self.y -= LEAD
        self.y -= 4

    def table(self, widths, header, rows, size=9):
        """A table as aligned text: each cell wrapped inside its column, one baseline per line."""
        xs = [LEFT]
        for w in widths[:-1]:
            xs.append(xs[-1] + w)
        lead = size + 3
        for r, row in enumerate([header] + rows):
            cells = [wrap(c, w - 6, size) for c, w in zip(row, widths)]
            height = lead * max(len(c) for c in cells)
            self._need(height + 4)
            for x, lines in zip(xs, cells):
                for i, line in enumerate(lines):
                    self.text(x, self.y - size - i * lead, line, size, r == 0)
            self.y -= height + 3
            if r == 0:
                self.rule(self.y + 1, 0.6)
                self.y -= 3
        self.y -= 6

    def gap(self, points):
        self.y -= points


class Document:
    """A manual: its title (also the PDF /Title), a running header and its pages."""

    def __init__(self, title, header, footer):
        self.title = title
        self.header = header
        self.footer = footer
        self.pages = []

    def page(self):
        pg = Page(self, len(self.pages) + 1)
        self.pages.append(pg)
        return pg

    def _decorate(self, pg):
        if pg.number > 1:
            pg.text(LEFT, PAGE_H - 36, self.header, 8)
            pg.ops.append(b"0.4 w %d %d m %d %d l S" % (LEFT, PAGE_H - 40, RIGHT, PAGE_H - 40))
        pg.text(LEFT, 40, self.footer, 8)
        label = "Page %d of %d" % (pg.number, len(self.pages))
        pg.text(RIGHT - 52, 40, label, 8)

    def to_bytes(self):
        for pg in self.pages:
            self._decorate(pg)
        objects = []  # bodies, object number = index + 1

        def add(body):
            objects.append(body)
            return len(objects)

        catalog = add(None)
        pages = add(None)
        f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        info = add(b"<< /Title (%s) /Producer (Faultline demo generator) >>" % _esc(self.title))
        kids = []
        for pg in self.pages:
            stream = b"\n".join(pg.ops) + b"\n"
            content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
            kids.append(add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d]"
                b" /Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>" % (
                    pages, PAGE_W, PAGE_H, f1, f2, content)))
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
        objects[pages - 1] = (
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                b" ".join(b"%d 0 R" % k for k in kids), len(kids)))

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for n, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1, catalog, info, xref)
        return bytes(out)
