import type { ChatSession } from '../../../src/client/session.js';

const KEY = 'banter.alerts';

/** Whether private messages alert (sound and desktop notification) while the tab is hidden. */
export function alertsEnabled(): boolean {
  try {
    return localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setAlertsEnabled(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // kept for this page only
  }
  if (on && 'Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
}

let audio: AudioContext | undefined;

/** A short two-tone chime, made with Web Audio (no sound file to load). */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.3);
    }
  } catch {
    // no audio output: the notification alone
  }
}

/** Counts what it did, for tests and for the page title. */
export const alertLog = { chimes: 0, notifications: 0 };

/**
 * A private message from someone else while the tab is hidden: a chime and a desktop
 * notification (clicking it opens the conversation), unless the user muted alerts.
 */
export function watchPrivateMessages(session: ChatSession, open: (conv: string) => void, describe: (from: string, text: string) => { title: string; body: string }): () => void {
  return session.on('message', (m) => {
    if (!m.conv.startsWith('@') || m.from === session.user || document.visibilityState === 'visible' || !alertsEnabled()) return;
    chime();
    alertLog.chimes++;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const text = m.text ?? (m.sticker ? `[${m.sticker}]` : m.file ? `📎 ${m.file.name}` : '');
    const { title, body } = describe(m.from, text);
    const n = new Notification(title, { body: body.slice(0, 200), tag: m.conv, icon: '/icons/icon-192.png' });
    alertLog.notifications++;
    n.onclick = () => {
      window.focus();
      open(m.conv);
      n.close();
    };
  });
}
