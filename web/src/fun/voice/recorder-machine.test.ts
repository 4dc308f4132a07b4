import { describe, expect, it } from 'vitest';
import { formatDuration, isVoiceName, reduceVoice, voiceName, type VoiceEvent, type VoiceState } from './recorder-machine';

const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'audio/webm' });

function play(events: VoiceEvent[], cap?: number, from: VoiceState = { s: 'idle' }): VoiceState {
  return events.reduce((s, e) => reduceVoice(s, e, cap), from);
}

describe('voice recorder states', () => {
  it('records, stops, uploads and is sent', () => {
    const s = play([{ type: 'ask' }, { type: 'granted', now: 1000 }, { type: 'tick', now: 2000 }, { type: 'stop', now: 3500 }]);
    expect(s).toMatchObject({ s: 'stopping', durationMs: 2500, send: true });
    const up = reduceVoice(s, { type: 'recorded', blob, mime: 'audio/webm;codecs=opus', at: 0 });
    expect(up).toMatchObject({ s: 'uploading', attempt: 1, clip: { durationMs: 2500, name: 'voice-1970-01-01T00-00-00-000Z.webm' } });
    expect(reduceVoice(up, { type: 'uploaded' })).toMatchObject({ s: 'sent' });
  });

  it('stops by itself at the cap, with the cap as its duration', () => {
    const s = play([{ type: 'ask' }, { type: 'granted', now: 0 }, { type: 'tick', now: 59_000 }, { type: 'tick', now: 60_050 }], 60_000);
    expect(s).toMatchObject({ s: 'stopping', durationMs: 60_000, send: true });
  });

  it('a cancelled recording is never sent', () => {
    const s = play([{ type: 'ask' }, { type: 'granted', now: 0 }, { type: 'cancel', now: 900 }, { type: 'recorded', blob, mime: 'audio/webm', at: 0 }]);
    expect(s).toEqual({ s: 'cancelled' });
  });

  it('a failed upload keeps the clip, retries, and is only dropped on request', () => {
    let s = play([{ type: 'ask' }, { type: 'granted', now: 0 }, { type: 'stop', now: 1000 }, { type: 'recorded', blob, mime: 'audio/webm', at: 0 }, { type: 'uploadFailed', error: 'offline' }]);
    expect(s).toMatchObject({ s: 'failed', error: 'offline', attempt: 1 });
    expect(reduceVoice(s, { type: 'reset' })).toBe(s); // reset does not lose it
    expect(reduceVoice(s, { type: 'ask' })).toBe(s); // nor does starting a new one
    s = reduceVoice(s, { type: 'retry' });
    expect(s).toMatchObject({ s: 'uploading', attempt: 2 });
    s = reduceVoice(s, { type: 'uploadFailed', error: 'again' });
    expect(reduceVoice(s, { type: 'discard' })).toEqual({ s: 'cancelled' });
    expect(reduceVoice(reduceVoice(s, { type: 'retry' }), { type: 'uploaded' })).toMatchObject({ s: 'sent', clip: { blob } });
  });

  it('restores an unsent clip from the outbox only when idle', () => {
    const clip = { blob, mime: 'audio/webm', durationMs: 900, name: 'voice-x.webm', conv: '#lobby' };
    expect(reduceVoice({ s: 'idle' }, { type: 'restore', clip, error: 'page closed' })).toMatchObject({ s: 'failed', clip, attempt: 0 });
    const busy: VoiceState = { s: 'recording', startedAt: 0, elapsedMs: 0 };
    expect(reduceVoice(busy, { type: 'restore', clip, error: 'x' })).toBe(busy);
  });

  it('a refused microphone is reported and can be asked again', () => {
    const s = play([{ type: 'ask' }, { type: 'refused', error: 'denied' }]);
    expect(s).toEqual({ s: 'unavailable', error: 'denied' });
    expect(reduceVoice(s, { type: 'ask' })).toEqual({ s: 'asking' });
  });

  it('ignores events that do not fit the state', () => {
    const idle: VoiceState = { s: 'idle' };
    for (const e of [{ type: 'stop', now: 1 }, { type: 'uploaded' }, { type: 'retry' }, { type: 'tick', now: 5 }] as VoiceEvent[]) {
      expect(reduceVoice(idle, e)).toBe(idle);
    }
  });

  it('names and recognises voice files, formats durations', () => {
    expect(isVoiceName(voiceName(0, 'audio/webm;codecs=opus'))).toBe(true);
    expect(voiceName(0, 'audio/mp4;codecs=opus').endsWith('.m4a')).toBe(true);
    expect(isVoiceName('song.webm')).toBe(false);
    expect([0, 1499, 61_000, 300_000].map(formatDuration)).toEqual(['0:00', '0:01', '1:01', '5:00']);
    expect(formatDuration(Infinity)).toBe('–:––');
  });
});
