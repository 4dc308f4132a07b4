import { funT } from '../i18n';

export type Device = 'camera' | 'mic' | 'screen';

/** Says in plain words why a camera, microphone or screen could not be had. */
export function mediaErrorText(err: unknown, device: Device): string {
  const name = err instanceof Error || (typeof err === 'object' && err !== null && 'name' in err) ? String((err as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return funT(`err.denied_${device}`);
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return device === 'screen' ? funT('err.denied_screen') : funT(`err.missing_${device}`);
    case 'NotReadableError':
    case 'TrackStartError':
      return device === 'screen' ? funT('err.denied_screen') : funT(`err.busy_${device}`);
    case 'Unsupported':
      return funT(`err.unsupported_${device}`);
    default:
      return funT('err.other', { message: err instanceof Error ? err.message : String(err) });
  }
}

export class Unsupported extends Error {
  override name = 'Unsupported';
}

export function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!md?.getUserMedia) return Promise.reject(new Unsupported('getUserMedia is missing'));
  return md.getUserMedia(constraints);
}

export function stopStream(stream: MediaStream | null | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/** Offers a blob as a download, as if from a link. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** `selfie-2026-12-01T05-30-00.png` style names. */
export function timeName(prefix: string, ext: string, at = Date.now()): string {
  return `${prefix}-${new Date(at).toISOString().slice(0, 19).replace(/:/g, '-')}.${ext}`;
}
