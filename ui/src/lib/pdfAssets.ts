// pdf.js's data files as files of this app (no network): the CMaps for Asian fonts, the standard
// fonts for PDFs that do not embed theirs, the wasm image decoders (JPEG 2000, JBIG2 in scanned
// manuals, ICC colour) and their licences. The glob makes Vite ship each one; vite.config.ts keeps
// their names under dist/pdfjs/<dir>/ because pdf.js asks for them by name below one base URL.
// Imported only by pdf.ts, so this list is in the lazily loaded viewer chunk.

const FILES = import.meta.glob(
  [
    "/node_modules/pdfjs-dist/cmaps/*",
    "/node_modules/pdfjs-dist/standard_fonts/*",
    "/node_modules/pdfjs-dist/wasm/*",
    "/node_modules/pdfjs-dist/iccs/*",
  ],
  { query: "?url", import: "default", eager: true },
) as Record<string, string>;

export type PdfDataDir = "cmaps" | "standard_fonts" | "wasm" | "iccs";

/** The URL of one of pdf.js's data folders, with a trailing slash (what getDocument wants). */
export function pdfDataUrl(dir: PdfDataDir): string {
  const key = Object.keys(FILES).find((k) => k.includes(`/pdfjs-dist/${dir}/`));
  const url = key === undefined ? undefined : FILES[key];
  if (url === undefined) return new URL(`pdfjs/${dir}/`, document.baseURI).href;
  const absolute = new URL(url, window.location.href).href;
  return absolute.slice(0, absolute.lastIndexOf("/") + 1);
}
