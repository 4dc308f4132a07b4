/**
 * The loudness of `bars` equal slices of a recording (peak of each slice), scaled so the loudest
 * is 1: what a voice message's waveform draws.
 */
export function peaks(samples: Float32Array, bars: number): number[] {
  if (bars <= 0) return [];
  const out = new Array<number>(bars).fill(0);
  if (samples.length === 0) return out;
  const per = samples.length / bars;
  for (let b = 0; b < bars; b++) {
    const from = Math.floor(b * per);
    const to = Math.max(from + 1, Math.floor((b + 1) * per));
    let max = 0;
    for (let i = from; i < to && i < samples.length; i++) {
      const v = Math.abs(samples[i]!);
      if (v > max) max = v;
    }
    out[b] = max;
  }
  const top = Math.max(...out);
  return top > 0 ? out.map((v) => v / top) : out;
}

/** The root-mean-square level of a block of samples (0..1): the recorder's level meter. */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

/** Decodes an audio file and returns its duration and waveform (no audio output is started). */
export async function decodeWaveform(bytes: ArrayBuffer, bars = 48): Promise<{ durationMs: number; peaks: number[] }> {
  const Ctx = globalThis.OfflineAudioContext;
  if (!Ctx) throw new Error('no Web Audio');
  const ctx = new Ctx(1, 1, 44100);
  const buffer = await ctx.decodeAudioData(bytes);
  return { durationMs: buffer.duration * 1000, peaks: peaks(buffer.getChannelData(0), bars) };
}
