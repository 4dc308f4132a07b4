/** Views already cut from a buffer, so every peer given the same buffer gets the same line objects. */
const cut = new WeakMap<Buffer, Buffer[]>();

/**
 * The lines of what the core wrote (Peer.write takes one or more "\n"-terminated lines), for
 * transports that frame each message apart (WebSocket frames, IRC translation). A single line
 * comes back as it is; several are cut once per buffer and the views shared by every peer.
 */
export function linesOf(data: Buffer): Buffer[] {
  if (isOneLine(data)) return [data];
  const nl = data.indexOf(10);
  let lines = cut.get(data);
  if (!lines) {
    lines = [];
    let from = 0;
    for (let at = nl; at !== -1; at = data.indexOf(10, from)) {
      lines.push(data.subarray(from, at + 1));
      from = at + 1;
    }
    if (from < data.length) lines.push(data.subarray(from));
    cut.set(data, lines);
  }
  return lines;
}

/** True for what the core writes almost always: one line (a hot path: no array for it). */
export function isOneLine(data: Buffer): boolean {
  const nl = data.indexOf(10);
  return nl === -1 || nl === data.length - 1;
}
