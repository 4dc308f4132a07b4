import { encodeWav, renderTrack } from './synth';
import { TRACKS, type Track } from './tracks';

export interface MusicState {
  /** The built-in track playing or paused, or -1 for a file from the chat. */
  index: number;
  title: string;
  playing: boolean;
  /** Rendering a built-in track (the first time it plays). */
  preparing: boolean;
  volume: number;
  error: string | null;
}

const VOLUME_KEY = 'banter.music.volume';

function savedVolume(): number {
  try {
    const v = Number(localStorage.getItem(VOLUME_KEY));
    return Number.isFinite(v) && v > 0 && v <= 1 ? v : 0.6;
  } catch {
    return 0.6;
  }
}

/**
 * The one music player of the page. It is a module-level object, not a component, so the music
 * goes on whatever the chat screen mounts or unmounts (conversation switches, dialogs). One
 * <audio> element plays both the built-in tracks (rendered once to WAV with an
 * OfflineAudioContext) and audio files from the chat; an AnalyserNode after it gives levels.
 */
export class MusicEngine {
  readonly tracks: readonly Track[] = TRACKS;
  private audio: HTMLAudioElement | null = null;
  private ctx: AudioContext | null = null;
  private analyserNode: AnalyserNode | null = null;
  private readonly rendered = new Map<string, Promise<string>>();
  private readonly listeners = new Set<() => void>();
  private state: MusicState = { index: 0, title: TRACKS[0]!.title, playing: false, preparing: false, volume: savedVolume(), error: null };

  static supported(): boolean {
    return typeof OfflineAudioContext !== 'undefined' && typeof Audio !== 'undefined';
  }

  getState = (): MusicState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  get analyser(): AnalyserNode | null {
    return this.analyserNode;
  }

  /** The current output level, 0..1 (0 when paused). */
  level(): number {
    const a = this.analyserNode;
    if (!a) return 0;
    const buf = new Float32Array(a.fftSize);
    a.getFloatTimeDomainData(buf);
    let peak = 0;
    for (const v of buf) peak = Math.max(peak, Math.abs(v));
    return peak;
  }

  private set(patch: Partial<MusicState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  private element(): HTMLAudioElement {
    if (this.audio) return this.audio;
    const a = new Audio();
    a.preload = 'auto';
    a.volume = this.state.volume;
    a.addEventListener('play', () => this.set({ playing: true }));
    a.addEventListener('pause', () => this.set({ playing: false }));
    a.addEventListener('ended', () => (this.state.index >= 0 ? void this.next() : this.set({ playing: false })));
    a.addEventListener('error', () => this.set({ playing: false, preparing: false, error: a.error?.message || 'cannot play this' }));
    this.audio = a;
    try {
      this.ctx = new AudioContext();
      this.analyserNode = this.ctx.createAnalyser();
      this.analyserNode.fftSize = 2048;
      this.ctx.createMediaElementSource(a).connect(this.analyserNode);
      this.analyserNode.connect(this.ctx.destination);
    } catch {
      this.ctx = null; // plays without levels
      this.analyserNode = null;
    }
    return a;
  }

  private trackUrl(track: Track): Promise<string> {
    let url = this.rendered.get(track.id);
    if (!url) {
      url = renderTrack(track).then((buf) => URL.createObjectURL(new Blob([encodeWav([buf.getChannelData(0)], buf.sampleRate)], { type: 'audio/wav' })));
      url.catch(() => this.rendered.delete(track.id));
      this.rendered.set(track.id, url);
    }
    return url;
  }

  private async start(src: string): Promise<void> {
    const a = this.element();
    await this.ctx?.resume().catch(() => undefined);
    if (a.src !== src) a.src = src;
    await a.play();
  }

  /** Plays built-in track `index` (or the current one) from where it was paused. */
  async play(index = this.state.index < 0 ? 0 : this.state.index): Promise<void> {
    const track = this.tracks[((index % this.tracks.length) + this.tracks.length) % this.tracks.length]!;
    const i = this.tracks.indexOf(track);
    const changed = i !== this.state.index;
    this.set({ index: i, title: track.title, preparing: true, error: null });
    try {
      const url = await this.trackUrl(track);
      if (this.state.index !== i) return; // another choice came in meanwhile
      if (changed && this.audio) this.audio.currentTime = 0;
      await this.start(url);
      this.set({ preparing: false });
    } catch (e) {
      this.set({ preparing: false, playing: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Plays an audio file from the chat in the same player. */
  async playFile(url: string, title: string): Promise<void> {
    this.set({ index: -1, title, error: null, preparing: false });
    try {
      await this.start(url);
    } catch (e) {
      this.set({ playing: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  pause(): void {
    this.audio?.pause();
  }

  toggle(): Promise<void> {
    if (this.state.playing) {
      this.pause();
      return Promise.resolve();
    }
    if (this.state.index < 0 && this.audio?.src) return this.start(this.audio.src).catch(() => undefined);
    return this.play();
  }

  next(): Promise<void> {
    return this.play(this.state.index + 1);
  }

  prev(): Promise<void> {
    return this.play(this.state.index - 1);
  }

  setVolume(v: number): void {
    const volume = Math.min(1, Math.max(0, v));
    if (this.audio) this.audio.volume = volume;
    try {
      localStorage.setItem(VOLUME_KEY, String(volume));
    } catch {
      // not kept
    }
    this.set({ volume });
  }
}

let engine: MusicEngine | null = null;
/** The page's music player, made on first use. */
export function music(): MusicEngine {
  engine ??= new MusicEngine();
  return engine;
}
