/**
 * The voice recorder's states as a pure reducer, so that the rules are tested without a
 * microphone: a recording stops by itself at the cap, a cancelled one is never sent, and a
 * failed upload keeps the clip until it is sent or the user throws it away.
 */

export const DEFAULT_CAP_MS = 5 * 60_000;

export interface Clip {
  blob: Blob;
  mime: string;
  durationMs: number;
  name: string;
  /** The conversation it was recorded for. */
  conv?: string;
}

export type VoiceState =
  | { s: 'idle' }
  | { s: 'asking' }
  | { s: 'recording'; startedAt: number; elapsedMs: number }
  | { s: 'stopping'; startedAt: number; durationMs: number; send: boolean }
  | { s: 'uploading'; clip: Clip; attempt: number }
  | { s: 'failed'; clip: Clip; attempt: number; error: string }
  | { s: 'sent'; clip: Clip }
  | { s: 'cancelled' }
  | { s: 'unavailable'; error: string };

export type VoiceEvent =
  | { type: 'ask' }
  | { type: 'granted'; now: number }
  | { type: 'refused'; error: string }
  | { type: 'tick'; now: number }
  | { type: 'stop'; now: number }
  | { type: 'cancel'; now: number }
  | { type: 'recorded'; blob: Blob; mime: string; at: number; conv?: string }
  | { type: 'uploaded' }
  | { type: 'uploadFailed'; error: string }
  | { type: 'retry' }
  | { type: 'discard' }
  | { type: 'reset' }
  /** A clip that was not sent before the page closed, found again in the outbox. */
  | { type: 'restore'; clip: Clip; error: string };

export function voiceName(at: number, mime: string): string {
  const ext = mime.includes('mp4') ? 'm4a' : mime.includes('ogg') ? 'ogg' : 'webm';
  return `voice-${new Date(at).toISOString().replace(/[:.]/g, '-')}.${ext}`;
}

/** True for a file name the recorder gave: such files show as voice messages. */
export function isVoiceName(name: string): boolean {
  return /^voice-.+\.(webm|ogg|m4a)$/i.test(name);
}

export function reduceVoice(state: VoiceState, event: VoiceEvent, capMs = DEFAULT_CAP_MS): VoiceState {
  switch (event.type) {
    case 'ask':
      return state.s === 'idle' || state.s === 'sent' || state.s === 'cancelled' || state.s === 'unavailable' ? { s: 'asking' } : state;
    case 'granted':
      return state.s === 'asking' ? { s: 'recording', startedAt: event.now, elapsedMs: 0 } : state;
    case 'refused':
      return state.s === 'asking' ? { s: 'unavailable', error: event.error } : state;
    case 'tick': {
      if (state.s !== 'recording') return state;
      const elapsedMs = Math.max(0, event.now - state.startedAt);
      if (elapsedMs >= capMs) return { s: 'stopping', startedAt: state.startedAt, durationMs: capMs, send: true };
      return { ...state, elapsedMs };
    }
    case 'stop':
      if (state.s !== 'recording') return state;
      return { s: 'stopping', startedAt: state.startedAt, durationMs: Math.min(capMs, Math.max(0, event.now - state.startedAt)), send: true };
    case 'cancel':
      if (state.s === 'recording') return { s: 'stopping', startedAt: state.startedAt, durationMs: event.now - state.startedAt, send: false };
      if (state.s === 'asking') return { s: 'cancelled' };
      return state;
    case 'recorded':
      if (state.s !== 'stopping') return state;
      if (!state.send) return { s: 'cancelled' };
      return { s: 'uploading', attempt: 1, clip: { blob: event.blob, mime: event.mime, durationMs: state.durationMs, name: voiceName(event.at, event.mime), conv: event.conv } };
    case 'uploaded':
      return state.s === 'uploading' ? { s: 'sent', clip: state.clip } : state;
    case 'uploadFailed':
      return state.s === 'uploading' ? { s: 'failed', clip: state.clip, attempt: state.attempt, error: event.error } : state;
    case 'retry':
      return state.s === 'failed' ? { s: 'uploading', clip: state.clip, attempt: state.attempt + 1 } : state;
    case 'discard':
      return state.s === 'failed' ? { s: 'cancelled' } : state;
    case 'restore':
      return state.s === 'idle' ? { s: 'failed', clip: event.clip, attempt: 0, error: event.error } : state;
    case 'reset':
      // Never drops a clip that is not sent yet.
      return state.s === 'sent' || state.s === 'cancelled' || state.s === 'unavailable' ? { s: 'idle' } : state;
  }
}

/** "m:ss" for a timer or a duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–:––';
  const total = Math.floor(ms / 1000); // a timer shows whole seconds passed
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
