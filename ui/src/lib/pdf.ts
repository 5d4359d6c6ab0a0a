// pdf.js for the manual viewer: loaded only when a manual is opened (PdfViewer imports this module
// dynamically, so pdf.js stays out of the first screen's bundle). Everything is local: the worker
// is a file of the bundle (Vite `?url`), and so are the CMaps, standard fonts, wasm image decoders
// and ICC profiles pdf.js fetches for some PDFs (pdfAssets.ts). No CDN, no network.
//
// The "legacy" build of pdfjs-dist is used: the default build calls JavaScript built-ins only the
// newest browsers have (Map.prototype.getOrInsertComputed, Promise.try, Uint8Array#toHex), which
// the system webviews Tauri runs in (WebKitGTK, WKWebView, older WebView2) may lack; the legacy
// build carries polyfills for them.
import {
  getDocument,
  GlobalWorkerOptions,
  TextLayer,
  type PDFDocumentLoadingTask,
  type PDFPageProxy,
} from "pdfjs-dist/legacy/build/pdf.mjs";
import workerUrl from "pdfjs-dist/legacy/build/pdf.worker.min.mjs?url";
import { highlightSegments } from "./highlight";
import { pdfDataUrl } from "./pdfAssets";
import { findInItems, rangesByItem } from "./pdfFind";
import { outputScale } from "./zoom";

GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";

/** Starts loading a PDF from its bytes (pdf.js takes ownership of them). */
export function loadPdf(data: Uint8Array, password?: string): PDFDocumentLoadingTask {
  return getDocument({
    data,
    password,
    cMapUrl: pdfDataUrl("cmaps"),
    cMapPacked: true,
    standardFontDataUrl: pdfDataUrl("standard_fonts"),
    wasmUrl: pdfDataUrl("wasm"),
    iccUrl: pdfDataUrl("iccs"),
    // The app's CSP has no 'unsafe-eval'; pdf.js then uses its interpreter for PDF functions.
    isEvalSupported: false,
    enableXfa: false,
  });
}

/** Why pdf.js could not open a file, in words for the technician. */
export function openFailure(error: unknown): { needsPassword: boolean; wrongPassword: boolean; message: string } {
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e?.name === "PasswordException") {
    const wrong = e.code === 2;
    return {
      needsPassword: true,
      wrongPassword: wrong,
      message: wrong ? "That password is not right. Try again." : "This PDF is protected by a password.",
    };
  }
  if (e?.name === "InvalidPDFException") {
    return { needsPassword: false, wrongPassword: false, message: "The file is damaged or not a PDF, so it cannot be shown." };
  }
  const detail = typeof e?.message === "string" && e.message ? ` (${e.message})` : "";
  return { needsPassword: false, wrongPassword: false, message: `The manual could not be shown${detail}.` };
}

export interface PageRender {
  /**
   * Resolves once the new canvas and text layer are in place (the old ones stay on screen until
   * then), with the page's CSS size and the first highlighted word's element (or null).
   */
  done: Promise<{ width: number; height: number; firstHit: HTMLElement | null }>;
  cancel(): void;
}

/**
 * Draws one page at `scale` (CSS pixels per PDF point) into `canvas`, sharp at the display's
 * pixel ratio, and its text layer into `textLayer` (transparent text over the canvas, for
 * selecting and for highlighting `terms`). `box` holds both and carries pdf.js's CSS scale
 * variables for the text layer. Both layers are drawn off screen and swapped in together.
 */
export function renderPage(
  page: PDFPageProxy,
  opts: { box: HTMLElement; canvas: HTMLCanvasElement; textLayer: HTMLElement; scale: number; terms: readonly string[] },
): PageRender {
  const { box, canvas, textLayer, scale, terms } = opts;
  const viewport = page.getViewport({ scale });
  const width = Math.floor(viewport.width);
  const height = Math.floor(viewport.height);
  const out = outputScale(width, height, window.devicePixelRatio || 1);

  const fresh = document.createElement("canvas");
  fresh.width = Math.max(1, Math.floor(viewport.width * out));
  fresh.height = Math.max(1, Math.floor(viewport.height * out));
  const task = page.render({
    canvas: fresh,
    viewport,
    transform: out !== 1 ? [out, 0, 0, out, 0, 0] : undefined,
  });

  const layer = document.createElement("div");
  const text = new TextLayer({
    textContentSource: page.streamTextContent({ includeMarkedContent: true, disableNormalization: true }),
    container: layer,
    viewport,
  });
  // A page whose text cannot be laid out (odd fonts, no text) is still shown, just without marks.
  const textDone = text.render().then(
    () => true,
    (error: unknown) => {
      if ((error as { name?: unknown } | null)?.name !== "AbortException") console.warn("pdf.js text layer:", error);
      return false;
    },
  );

  let cancelled = false;
  const done = (async () => {
    await task.promise;
    const hasText = await textDone;
    if (cancelled) throw new DOMException("Page rendering cancelled", "AbortError");
    const firstHit = hasText ? markTerms(text.textDivs, text.textContentItemsStr, terms) : null;

    box.style.setProperty("--scale-factor", String(viewport.scale));
    box.style.setProperty("--user-unit", String(viewport.userUnit ?? 1));
    box.style.width = `${width}px`;
    box.style.height = `${height}px`;
    canvas.width = fresh.width;
    canvas.height = fresh.height;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.getContext("2d")?.drawImage(fresh, 0, 0);
    fresh.width = 0;
    fresh.height = 0;
    textLayer.replaceChildren(...(hasText ? [...layer.childNodes] : []));
    for (const attr of ["style", "data-main-rotation"]) {
      const v = layer.getAttribute(attr);
      if (v !== null) textLayer.setAttribute(attr, v);
      else textLayer.removeAttribute(attr);
    }
    return { width, height, firstHit };
  })();

  return {
    done,
    cancel() {
      cancelled = true;
      task.cancel();
      text.cancel();
    },
  };
}

/** A render that was cancelled (a newer page or zoom replaced it): not an error to show. */
export function isCancelled(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "RenderingCancelledException" || name === "AbortError" || name === "AbortException";
}

/**
 * Wraps the occurrences of `terms` in the text layer's spans in <mark class="pdf-hit"> (built as
 * DOM nodes from plain text: the PDF's text is never parsed as HTML). Returns the first mark.
 */
export function markTerms(divs: readonly HTMLElement[], items: readonly string[], terms: readonly string[]): HTMLElement | null {
  if (terms.length === 0) return null;
  let first: HTMLElement | null = null;
  for (const [index, ranges] of rangesByItem(findInItems(items, terms))) {
    const div = divs[index];
    const str = items[index];
    if (!div || str === undefined || div.textContent !== str) continue;
    const nodes: Node[] = [];
    for (const seg of highlightSegments(str, ranges)) {
      if (seg.hit) {
        const mark = document.createElement("mark");
        mark.className = "pdf-hit";
        mark.textContent = seg.text;
        first ??= mark;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(seg.text));
      }
    }
    div.replaceChildren(...nodes);
  }
  return first;
}
