import { lengthInBeats, parseNotes, type Note } from './notation';
import type { Instrument, Track } from './tracks';

/** A track's length in seconds: its longest voice, times its repeats. */
export function trackSeconds(track: Track): number {
  return (patternBeats(track) * track.repeats * 60) / track.bpm;
}

export function patternBeats(track: Track): number {
  return Math.max(...track.voices.map((v) => lengthInBeats(parseNotes(v.notes))));
}

/** Every note of a voice over the whole track, the voice repeated to fill it. */
export function scheduleVoice(notes: readonly Note[], totalBeats: number): Note[] {
  const len = lengthInBeats(notes);
  const out: Note[] = [];
  if (len <= 0) return out;
  for (let offset = 0; offset < totalBeats - 1e-9; offset += len) {
    for (const n of notes) if (offset + n.at < totalBeats - 1e-9) out.push({ ...n, at: offset + n.at });
  }
  return out;
}

function noiseBuffer(ctx: BaseAudioContext): AudioBuffer {
  const buf = ctx.createBuffer(1, Math.floor(ctx.sampleRate * 0.3), ctx.sampleRate);
  const data = buf.getChannelData(0);
  // A fixed pseudo-random sequence: every rendering of a track is the same.
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    data[i] = (seed / 0x3fffffff) - 1;
  }
  return buf;
}

function playNote(ctx: BaseAudioContext, out: AudioNode, instrument: Instrument, gain: number, freq: number, t: number, dur: number, noise: AudioBuffer): void {
  const env = ctx.createGain();
  env.connect(out);
  if (instrument === 'kick') {
    const osc = ctx.createOscillator();
    osc.frequency.setValueAtTime(150, t);
    osc.frequency.exponentialRampToValueAtTime(40, t + 0.15);
    env.gain.setValueAtTime(gain, t);
    env.gain.exponentialRampToValueAtTime(0.001, t + 0.2);
    osc.connect(env);
    osc.start(t);
    osc.stop(t + 0.22);
    return;
  }
  if (instrument === 'hat' || instrument === 'snare') {
    const src = ctx.createBufferSource();
    src.buffer = noise;
    const filter = ctx.createBiquadFilter();
    filter.type = instrument === 'hat' ? 'highpass' : 'bandpass';
    filter.frequency.value = instrument === 'hat' ? 7000 : 1800;
    const len = instrument === 'hat' ? 0.05 : 0.15;
    env.gain.setValueAtTime(gain, t);
    env.gain.exponentialRampToValueAtTime(0.001, t + len);
    src.connect(filter).connect(env);
    src.start(t);
    src.stop(t + len + 0.01);
    return;
  }
  const osc = ctx.createOscillator();
  osc.type = instrument;
  osc.frequency.value = freq;
  const attack = Math.min(0.02, dur / 4);
  const release = Math.min(0.08, dur / 3);
  env.gain.setValueAtTime(0, t);
  env.gain.linearRampToValueAtTime(gain, t + attack);
  env.gain.setValueAtTime(gain * 0.8, t + dur - release);
  env.gain.linearRampToValueAtTime(0, t + dur);
  osc.connect(env);
  osc.start(t);
  osc.stop(t + dur + 0.01);
}

/** Schedules a whole track on any audio context (live or offline), starting at `when`. */
export function scheduleTrack(ctx: BaseAudioContext, track: Track, out: AudioNode, when = 0): void {
  const beat = 60 / track.bpm;
  const total = patternBeats(track) * track.repeats;
  const noise = noiseBuffer(ctx);
  const master = ctx.createGain();
  master.gain.value = 0.8;
  master.connect(out);
  for (const voice of track.voices) {
    for (const n of scheduleVoice(parseNotes(voice.notes), total)) {
      if (n.freq === null) continue;
      playNote(ctx, master, voice.instrument, voice.gain, n.freq, when + n.at * beat, n.beats * beat * 0.95, noise);
    }
  }
}

/** Renders a track to a buffer with an OfflineAudioContext (much faster than real time). */
export async function renderTrack(track: Track, sampleRate = 22050): Promise<AudioBuffer> {
  const seconds = trackSeconds(track) + 0.3;
  const ctx = new OfflineAudioContext(1, Math.ceil(seconds * sampleRate), sampleRate);
  scheduleTrack(ctx, track, ctx.destination);
  return ctx.startRendering();
}

/** 16-bit PCM WAV of mono or multichannel samples: playable by an <audio> element, seekable. */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number): ArrayBuffer {
  const n = channels.length;
  const frames = channels[0]?.length ?? 0;
  const dataBytes = frames * n * 2;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, n, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * n * 2, true);
  v.setUint16(32, n * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (const ch of channels) {
      const s = Math.max(-1, Math.min(1, ch[i] ?? 0));
      v.setInt16(at, s < 0 ? s * 0x8000 : s * 0x7fff, true);
      at += 2;
    }
  }
  return buf;
}
