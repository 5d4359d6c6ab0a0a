// DEV ONLY: writes small, valid PDF files in memory for the dev mock's manuals (text pages in
// Helvetica, or "scanned" pages with drawings and no text), so the viewer has real PDFs to show
// in `npm run dev` without any file from outside the repository. ASCII text only.

export type MockPage = { heading: string; lines: string[] } | { drawing: true; label: string };

const A4 = { w: 595, h: 842 };

function esc(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").replace(/([\\()])/g, "\\$1");
}

/** Splits a paragraph into lines of at most `width` characters, at spaces. */
function wrap(paragraph: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out.length > 0 ? out : [""];
}

function textPage(heading: string, lines: string[], n: number, title: string): string {
  const ops: string[] = ["BT", "/F2 17 Tf", `56 ${A4.h - 80} Td`, `(${esc(heading)}) Tj`, "/F1 11 Tf", "15 TL", "0 -30 Td"];
  for (const para of lines) {
    for (const l of wrap(para, 88)) ops.push(`(${esc(l)}) Tj T*`);
    ops.push("T*");
  }
  ops.push("ET", "BT", "/F1 9 Tf", `56 40 Td`, `(${esc(`${title} - page ${n}`)}) Tj`, "ET");
  return ops.join("\n");
}

function drawingPage(label: string, n: number): string {
  const ops: string[] = ["0.2 G", "2 w"];
  for (let i = 0; i < 6; i++) ops.push(`${80 + i * 70} ${300 + (i % 3) * 90} 50 40 re S`);
  ops.push("1 w", "100 250 m 500 250 l S", "100 250 m 100 700 l S", "300 250 m 300 600 l S");
  ops.push("0.5 g", "60 760 475 30 re f");
  // A scanned page: the label is drawn as boxes, not as text, so there is no text layer.
  for (let i = 0; i < label.length; i++) if (label[i] !== " ") ops.push(`${70 + i * 9} 120 6 10 re f`);
  void n;
  return ops.join("\n");
}

/** A complete PDF: one page per entry, with a document title. */
export function makePdf(title: string, pages: MockPage[]): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add("");
  const pagesObj = add("");
  const f1 = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const f2 = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  const info = add(`<< /Title (${esc(title)}) /Producer (Faultline dev mock) >>`);
  const kids: number[] = [];
  pages.forEach((page, i) => {
    const content = "drawing" in page ? drawingPage(page.label, i + 1) : textPage(page.heading, page.lines, i + 1, title);
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${A4.w} ${A4.h}] ` +
          `/Resources << /Font << /F1 ${f1} 0 R /F2 ${f2} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;

  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) pdf += `${String(off).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}
