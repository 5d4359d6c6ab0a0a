// Photo files for add_photo: bytes to base64 (in chunks, so a 10 MB photo does not overflow the
// call stack) and a MIME type when the file picker gives none.

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

const BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
};

/** The file's own type, else one from its extension, else null (not a picture we know). */
export function imageMime(name: string, type: string): string | null {
  if (type.startsWith("image/")) return type;
  const ext = name.toLowerCase().split(".").pop() ?? "";
  return BY_EXTENSION[ext] ?? null;
}

/** Largest photo the form accepts (a phone-camera JPEG is 2–8 MB). */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}
