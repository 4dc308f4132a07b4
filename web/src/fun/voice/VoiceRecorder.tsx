import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { FunApi } from '../../app/fun-api';
import { useFunT } from '../i18n';
import { downloadBlob, getUserMedia, mediaErrorText, stopStream, Unsupported } from '../ui/media-errors';
import { FunIcon } from '../ui/icons';
import { DEFAULT_CAP_MS, formatDuration, reduceVoice, type VoiceState } from './recorder-machine';
import { dropClip, keepClip, unsentClip } from './outbox';
import { VoicePlayer } from './VoicePlayer';
import { rms } from './waveform';

/** Opus first: WebM (Chromium, Firefox), then Ogg, then MP4 (Safari). */
const MIME_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4;codecs=opus', 'audio/webm', 'audio/mp4'];

export function pickMime(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined;
  return MIME_TYPES.find((m) => MediaRecorder.isTypeSupported(m)) ?? '';
}

/** The unsent clip, to listen to before retrying. */
function ClipPlayer(props: { blob: Blob; name: string }) {
  const url = useMemo(() => URL.createObjectURL(props.blob), [props.blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <VoicePlayer src={url} blob={props.blob} name={props.name} />;
}

/** Holding the button longer than this and releasing sends (push to talk); a short press toggles. */
const HOLD_MS = 450;

interface Live {
  stream: MediaStream;
  recorder: MediaRecorder;
  chunks: Blob[];
  audio: AudioContext | null;
  analyser: AnalyserNode | null;
}

/**
 * The Mic button and, while it records, a timer and a level meter. A press starts; pressing
 * again (or releasing after holding) sends; Esc, Cancel, or sliding off the held button cancels.
 * A failed upload keeps the clip with Retry, Save and Discard.
 */
export function VoiceRecorder(props: { api: FunApi; capMs?: number }) {
  const t = useFunT();
  const cap = props.capMs ?? DEFAULT_CAP_MS;
  const [state, dispatch] = useReducer((s: VoiceState, e: Parameters<typeof reduceVoice>[1]) => reduceVoice(s, e, cap), { s: 'idle' });
  const live = useRef<Live | null>(null);
  const [level, setLevel] = useState(0);
  const pressedAt = useRef<number | null>(null);
  const api = useRef(props.api);
  api.current = props.api;

  const release = useCallback(() => {
    const l = live.current;
    live.current = null;
    if (!l) return;
    if (l.recorder.state !== 'inactive') l.recorder.stop();
    stopStream(l.stream);
    void l.audio?.close().catch(() => undefined);
  }, []);

  const start = useCallback(async () => {
    dispatch({ type: 'ask' });
    const mime = pickMime();
    try {
      if (mime === undefined) throw new Unsupported('MediaRecorder is missing');
      const stream = await getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
      const recorder = new MediaRecorder(stream, mime ? { mimeType: mime, audioBitsPerSecond: 32_000 } : undefined);
      const l: Live = { stream, recorder, chunks: [], audio: null, analyser: null };
      try {
        l.audio = new AudioContext();
        l.analyser = l.audio.createAnalyser();
        l.analyser.fftSize = 1024;
        l.audio.createMediaStreamSource(stream).connect(l.analyser);
      } catch {
        // no level meter without Web Audio; recording still works
      }
      recorder.ondataavailable = (e) => e.data.size > 0 && l.chunks.push(e.data);
      recorder.onstop = () => {
        const type = recorder.mimeType || mime || 'audio/webm';
        dispatch({ type: 'recorded', blob: new Blob(l.chunks, { type }), mime: type, at: Date.now(), conv: api.current.conv });
      };
      live.current = l;
      recorder.start(1000);
      dispatch({ type: 'granted', now: Date.now() });
    } catch (e) {
      dispatch({ type: 'refused', error: mediaErrorText(e, 'mic') });
    }
  }, []);

  // The timer, the level meter and the cap.
  useEffect(() => {
    if (state.s !== 'recording') return;
    const buf = new Float32Array(1024);
    const id = setInterval(() => {
      dispatch({ type: 'tick', now: Date.now() });
      const a = live.current?.analyser;
      if (a) {
        a.getFloatTimeDomainData(buf);
        setLevel(Math.min(1, rms(buf) * 4));
      }
    }, 100);
    return () => clearInterval(id);
  }, [state.s]);

  // Stopping: the recorder's final data arrives on its stop event (then `recorded`).
  useEffect(() => {
    if (state.s === 'stopping') {
      if (state.durationMs >= cap) api.current.toast(t('voice.cap', { max: formatDuration(cap) }), 'info');
      release();
    }
  }, [state.s]); // only on entering the state

  // Uploading: once per attempt.
  useEffect(() => {
    if (state.s !== 'uploading') return;
    const { clip } = state;
    api.current
      .sendFile(new File([clip.blob], clip.name, { type: clip.mime }), { kind: 'voice' })
      .then(() => dispatch({ type: 'uploaded' }))
      .catch((e: unknown) => dispatch({ type: 'uploadFailed', error: e instanceof Error ? e.message : String(e) }));
  }, [state.s === 'uploading' ? state.attempt : 0]); // once per attempt

  // The outbox: a failed clip is kept in IndexedDB until it is sent or discarded; one left by an
  // earlier page comes back as failed, with Retry.
  useEffect(() => {
    void unsentClip()
      .then((clip) => clip && dispatch({ type: 'restore', clip, error: t('voice.restored') }))
      .catch(() => undefined);
  }, []); // once, on mount
  const kept = useRef<string | null>(null);
  useEffect(() => {
    if (state.s === 'failed' && kept.current !== state.clip.name) {
      kept.current = state.clip.name;
      void keepClip(state.clip).catch(() => undefined);
    }
    if ((state.s === 'sent' || state.s === 'cancelled') && kept.current) {
      void dropClip(kept.current).catch(() => undefined);
      kept.current = null;
    }
  }, [state]);

  useEffect(() => {
    if (state.s === 'sent' || state.s === 'cancelled' || state.s === 'unavailable') {
      const id = setTimeout(() => dispatch({ type: 'reset' }), state.s === 'unavailable' ? 8000 : 1500);
      return () => clearTimeout(id);
    }
  }, [state.s]);

  // Esc cancels a recording; a clip not yet sent is not lost by closing the page unawares.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && state.s === 'recording') {
        e.preventDefault();
        dispatch({ type: 'cancel', now: Date.now() });
      }
    };
    const onUnload = (e: BeforeUnloadEvent) => {
      if (state.s === 'recording' || state.s === 'stopping' || state.s === 'uploading' || state.s === 'failed') e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onUnload);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [state.s]);

  useEffect(() => release, [release]);

  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    if (state.s === 'recording') {
      dispatch({ type: 'stop', now: Date.now() });
      return;
    }
    pressedAt.current = Date.now();
    void start();
  };
  const onPointerUp = () => {
    const at = pressedAt.current;
    pressedAt.current = null;
    if (at !== null && Date.now() - at >= HOLD_MS) dispatch({ type: 'stop', now: Date.now() });
  };
  // Sliding off a held button cancels, as in other messengers. Touch pointers stay captured by
  // the button, so this looks at where the pointer is rather than waiting for pointerleave.
  const onPointerMove = (e: React.PointerEvent<HTMLButtonElement>) => {
    const at = pressedAt.current;
    if (at === null || Date.now() - at < HOLD_MS) return;
    const r = e.currentTarget.getBoundingClientRect();
    const away = Math.max(r.left - e.clientX, e.clientX - r.right, r.top - e.clientY, e.clientY - r.bottom);
    if (away > 40) {
      pressedAt.current = null;
      dispatch({ type: 'cancel', now: Date.now() });
    }
  };

  const recording = state.s === 'recording';
  return (
    <span className="fun-voice-recorder" data-state={state.s}>
      <button
        type="button"
        className={`fun-tool ${recording ? 'fun-recording' : ''}`}
        title={recording ? t('voice.stop') : t('voice.record')}
        aria-label={recording ? t('voice.stop') : t('mic')}
        aria-pressed={recording}
        disabled={state.s === 'asking' || state.s === 'stopping' || state.s === 'uploading' || state.s === 'failed'}
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerMove={onPointerMove}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            if (recording) dispatch({ type: 'stop', now: Date.now() });
            else if (state.s !== 'asking') void start();
          }
        }}
      >
        <FunIcon name={recording ? 'stop' : 'mic'} />
      </button>
      {recording && (
        <span className="fun-rec-panel" role="status">
          <span className="fun-rec-dot" aria-hidden="true" />
          <span className="fun-rec-time" data-testid="voice-timer">
            {formatDuration(state.elapsedMs)} / {formatDuration(cap)}
          </span>
          <span className="fun-meter" aria-hidden="true">
            <span className="fun-meter-fill" style={{ width: `${Math.round(level * 100)}%` }} data-level={level.toFixed(3)} />
          </span>
          <button type="button" onClick={() => dispatch({ type: 'cancel', now: Date.now() })}>{t('voice.cancel')}</button>
          <span className="fun-muted fun-hide-narrow">{t('voice.hint')}</span>
        </span>
      )}
      {state.s === 'uploading' && <span className="fun-rec-note fun-muted" role="status">{t('voice.uploading')}</span>}
      {state.s === 'sent' && <span className="fun-rec-note fun-muted" role="status">{t('voice.sent')}</span>}
      {state.s === 'unavailable' && <span className="fun-rec-note fun-error" role="alert">{state.error}</span>}
      {state.s === 'failed' && (
        <span className="fun-rec-panel fun-rec-failed" role="alert">
          <span>
            {t('voice.failed', { error: state.error })}
            {state.clip.conv && state.clip.conv !== props.api.conv && ` ${t('voice.wasFor', { conv: state.clip.conv })}`}
          </span>
          <ClipPlayer blob={state.clip.blob} name={state.clip.name} />
          <button type="button" className="fun-primary" onClick={() => dispatch({ type: 'retry' })}>
            {state.clip.conv && state.clip.conv !== props.api.conv ? t('voice.sendHere', { conv: props.api.conv }) : t('voice.retry')}
          </button>
          <button type="button" onClick={() => downloadBlob(state.clip.blob, state.clip.name)}>{t('voice.save')}</button>
          <button type="button" onClick={() => dispatch({ type: 'discard' })}>{t('voice.discard')}</button>
        </span>
      )}
    </span>
  );
}
