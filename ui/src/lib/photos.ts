// Photos on a work order: their bytes from the app (`photo` command) as object URLs for the
// thumbnails and the viewer (one per photo, kept for the session: photos never change, they are
// content-addressed), stepping through them in the viewer, and the laptop's camera
// (getUserMedia) with the file picker as the fallback where there is none or it is refused.
import { photoBytes } from "./api";

const urls = new Map<string, Promise<string>>();

/** An object URL showing the photo stored under `sha256`. */
export function photoUrl(sha256: string, mime: string): Promise<string> {
  let url = urls.get(sha256);
  if (!url) {
    url = photoBytes(sha256).then((bytes) => URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime })));
    // A failed load is tried again next time (the photo may arrive with the next sync).
    url.catch(() => urls.delete(sha256));
    urls.set(sha256, url);
  }
  return url;
}

/** The photo shown after `delta` steps from `index` among `count`, wrapping round; null when none. */
export function stepPhoto(index: number, count: number, delta: number): number | null {
  if (count <= 0) return null;
  return (((index + delta) % count) + count) % count;
}

/** Whether this laptop shows a camera to the page (false where the page cannot ask). */
export async function hasCamera(media: Pick<MediaDevices, "enumerateDevices"> | undefined = globalThis.navigator?.mediaDevices): Promise<boolean> {
  if (!media || typeof media.enumerateDevices !== "function") return false;
  try {
    const devices = await media.enumerateDevices();
    return devices.some((d) => d.kind === "videoinput");
  } catch {
    return false;
  }
}

/** The camera's live picture, the back camera where there is one. */
export function openCamera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" }, width: { ideal: 1920 } }, audio: false });
}

/** Stops every track of a camera stream (the camera light goes off). */
export function closeCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** The video's current frame as a JPEG. */
export function captureFrame(video: HTMLVideoElement, quality = 0.9): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext("2d");
  if (!ctx || canvas.width === 0) return Promise.reject(new Error("The camera gave no picture yet: try again."));
  ctx.drawImage(video, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("The picture could not be taken: try again."))), "image/jpeg", quality),
  );
}
