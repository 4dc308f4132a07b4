/** 1 536 → "1.5 KB": sizes as people read them (powers of 1024, one decimal under 10). */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "14:05" today, "Mon 14:05" this week, else the date and time, in the page's language. */
export function messageTime(ts: number, lang: string, now = Date.now()): string {
  const d = new Date(ts);
  const time = d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return time;
  if (now - ts < 6 * 86_400_000) return `${d.toLocaleDateString(lang, { weekday: 'short' })} ${time}`;
  return `${d.toLocaleDateString(lang, { year: 'numeric', month: 'short', day: 'numeric' })} ${time}`;
}

/** The side list's short time: "14:05" today, "Mon" this week, else "12 Mar" (or with the year). */
export function listTime(ts: number, lang: string, now = Date.now()): string {
  const d = new Date(ts);
  if (d.toDateString() === new Date(now).toDateString()) return d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  if (now - ts < 6 * 86_400_000) return d.toLocaleDateString(lang, { weekday: 'short' });
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(lang, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A stable hue per name, for avatars. */
export function nameHue(name: string): number {
  let h = 0;
  for (const ch of name.toLowerCase()) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}

/** The first character of a name (a whole code point: 小明 → 小), upper-cased. */
export function initial(name: string): string {
  return (Array.from(name)[0] ?? '?').toUpperCase();
}

/** "@Bob" → "Bob"; "#lobby" stays. */
export function peerOf(conv: string): string | undefined {
  return conv.startsWith('@') ? conv.slice(1) : undefined;
}

/** "Today", "Yesterday", or the date, for the divider above a day's first message. */
export function dayLabel(ts: number, lang: string, words: { today: string; yesterday: string }, now = Date.now()): string {
  const d = new Date(ts).toDateString();
  if (d === new Date(now).toDateString()) return words.today;
  if (d === new Date(now - 86_400_000).toDateString()) return words.yesterday;
  return new Date(ts).toLocaleDateString(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}
