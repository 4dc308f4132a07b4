import type { Writable } from 'node:stream';

// Every stream written to during one run of the event loop is corked, and all of them are uncorked
// together once that run is over. A burst of events (a group commit fans out many messages at once)
// then leaves each socket as a single writev instead of one syscall per message.
const corked = new Set<Writable>();
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  for (const stream of corked) stream.uncork();
  corked.clear();
}

export function writeCoalesced(stream: Writable, data: Buffer): void {
  if (!corked.has(stream)) {
    stream.cork();
    corked.add(stream);
    if (!scheduled) {
      scheduled = true;
      process.nextTick(uncorkAll);
    }
  }
  stream.write(data);
}
