import type { Tip } from './steer';

/** The slice of @mediapipe/hands' `Hands` class used here (its own typings need its ES module). */
interface Landmark {
  x: number;
  y: number;
  z: number;
}
interface HandsResults {
  multiHandLandmarks?: Landmark[][];
}
interface Hands {
  setOptions(options: Record<string, unknown>): void;
  onResults(listener: (results: HandsResults) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: HTMLVideoElement | HTMLCanvasElement }): Promise<void>;
}
type HandsCtor = new (config: { locateFile: (file: string) => string }) => Hands;

/** Landmark 8 of the 21: the tip of the index finger. */
const INDEX_TIP = 8;

let script: Promise<HandsCtor> | null = null;

/**
 * Loads hands.js as a classic script from Banter's own /mediapipe folder (an ES import of it
 * breaks in the bundle); its wasm, graph and model come from the same folder through locateFile.
 */
function loadHands(): Promise<HandsCtor> {
  script ??= new Promise<HandsCtor>((resolve, reject) => {
    const existing = (window as { Hands?: HandsCtor }).Hands;
    if (existing) return resolve(existing);
    const el = document.createElement('script');
    el.src = `${__MEDIAPIPE_HANDS_DIR__}hands.js`;
    el.async = true;
    el.onload = () => {
      const ctor = (window as { Hands?: HandsCtor }).Hands;
      if (ctor) resolve(ctor);
      else reject(new Error('hands.js defines no Hands'));
    };
    el.onerror = () => reject(new Error('cannot load the hand tracker'));
    document.head.append(el);
  });
  script.catch(() => (script = null));
  return script;
}

/** Finds the index fingertip in video frames, one frame at a time. */
export class HandTracker {
  private last: Tip | null = null;

  private constructor(private readonly hands: Hands) {
    hands.onResults((r) => {
      const tip = r.multiHandLandmarks?.[0]?.[INDEX_TIP];
      this.last = tip ? { x: tip.x, y: tip.y } : null;
    });
  }

  static async create(): Promise<HandTracker> {
    const Ctor = await loadHands();
    const hands = new Ctor({ locateFile: (file) => `${__MEDIAPIPE_HANDS_DIR__}${file}` });
    // The full model: the lite one misses hands that the full one finds (measured on test hands).
    hands.setOptions({ maxNumHands: 1, modelComplexity: 1, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5, selfieMode: false });
    await hands.initialize();
    return new HandTracker(hands);
  }

  /** The fingertip in this frame (0..1 of the unmirrored picture), or null when no hand shows. */
  async detect(image: HTMLVideoElement | HTMLCanvasElement): Promise<Tip | null> {
    this.last = null;
    await this.hands.send({ image });
    return this.last;
  }
}

let shared: Promise<HandTracker> | null = null;
/** One tracker per page: MediaPipe's wasm does not take a second instance well. */
export function handTracker(): Promise<HandTracker> {
  shared ??= HandTracker.create();
  shared.catch(() => (shared = null));
  return shared;
}
