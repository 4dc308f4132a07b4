import { Unsupported } from '../ui/media-errors';

export interface Picture {
  blob: Blob;
  width: number;
  height: number;
}

/**
 * The chat window itself as the user sees it, drawn from the DOM (modern-screenshot, loaded on
 * first use). A copy of the DOM starts scrolled to the top: restoreScrollPosition shifts each
 * scrolled box's content by its scroll offset, so the picture shows the visible part of the
 * conversation (the virtualised rows on screen), not the top of its scroll area.
 */
export async function captureElement(el: HTMLElement): Promise<Picture> {
  const { domToBlob } = await import('modern-screenshot');
  const scale = Math.min(2, window.devicePixelRatio || 1);
  const bg = getComputedStyle(document.body).backgroundColor;
  // A short conversation sits at the bottom of its list (an auto top margin the copy loses): pin
  // each list's content where it is on screen.
  const offsets = [...el.querySelectorAll<HTMLElement>('.message-canvas')].map((c) => c.offsetTop);
  const onCloneNode = (cloned: Node) => {
    if (!(cloned instanceof HTMLElement)) return;
    cloned.querySelectorAll<HTMLElement>('.message-canvas').forEach((c, i) => {
      if (offsets[i] !== undefined) c.style.marginTop = `${offsets[i]}px`;
    });
  };
  const blob = await domToBlob(el, { type: 'image/png', scale, backgroundColor: bg && bg !== 'rgba(0, 0, 0, 0)' ? bg : '#ffffff', features: { restoreScrollPosition: true }, onCloneNode });
  return { blob, width: Math.round(el.offsetWidth * scale), height: Math.round(el.offsetHeight * scale) };
}

export function screenCaptureSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** One frame of the screen, window or tab the user picks (getDisplayMedia), then the capture ends. */
export async function captureScreen(): Promise<Picture> {
  if (!screenCaptureSupported()) throw new Unsupported('getDisplayMedia is missing');
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: { displaySurface: 'monitor' } as MediaTrackConstraints, audio: false });
  try {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    // The first frame may still be black: wait until one has been presented.
    await new Promise<void>((resolve) => {
      const v = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => void };
      if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(() => resolve());
      else setTimeout(resolve, 200);
      setTimeout(resolve, 1500);
    });
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode'))), 'image/png'));
    return { blob, width: canvas.width, height: canvas.height };
  } finally {
    for (const t of stream.getTracks()) t.stop();
  }
}
