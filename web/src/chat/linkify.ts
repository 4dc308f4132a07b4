/** A run of message text: plain, or a web link to make clickable. */
export type Segment = { text: string; href?: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/giu;
// Punctuation that ends a sentence rather than the link: "see https://x.org/a." links ".../a".
const TRAILING = /[.,;:!?'")\]}。，；：！？、）」』]+$/u;

/**
 * Splits text into plain runs and http(s) links. Only http and https become links (never
 * javascript:, data: or anything else), and the text is never parsed as HTML: the caller renders
 * every segment as a text node.
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trail = TRAILING.exec(url)?.[0] ?? '';
    // Keep a closing bracket that has its opening one inside the link (Wikipedia-style links).
    if (trail.startsWith(')') && url.slice(0, -trail.length).includes('(')) url = url.slice(0, -trail.length) + ')';
    else url = url.slice(0, url.length - trail.length);
    const start = match.index;
    if (!isWebUrl(url)) continue;
    if (start > at) out.push({ text: text.slice(at, start) });
    out.push({ text: url, href: url });
    at = start + url.length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}
