import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BanterClient, BanterError } from '../../src/client/index.js';
import type { ChatMessage } from '../../src/protocol/index.js';
import { PASSWORD, adminClient, connect, newUser, record, uniqueName, waitUntil, refusal } from '../helpers/clients.js';
import { spawnServer, tempDir, type ServerProcess } from '../helpers/server.js';

/** Rate limits out of the way: these tests are about what survives a restart. */
const FAST = ['--send-rate', '100000', '--send-burst', '100000'];
const BURST = 2000;


/** Every message of a conversation, oldest first, read in pages of 200 as a client catches up. */
async function fullHistory(client: BanterClient, conv: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (let pages = 0; pages < 50; pages++) {
    const { messages } = await client.request('history', { conv, after: all.at(-1)?.seq ?? 0, limit: 200 });
    all.push(...messages);
    if (messages.length < 200) return all;
  }
  throw new Error(`history of ${conv} does not end`);
}

/** Makes sure no server process outlives its test. */
async function ensureGone(p: ServerProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}

interface Outgoing {
  to: string;
  text: string;
  cid: string;
}

/**
 * Sends `count` messages from one connection, pipelined: up to `window` requests in flight, the next
 * issued as soon as a reply arrives, never waiting in between. Stops once the connection is gone.
 * Resolves, when every request has settled, with the refusals other than a lost connection.
 */
function stream(
  client: BanterClient,
  count: number,
  window: number,
  make: (j: number) => Outgoing,
  onAck: (j: number, sent: Outgoing, reply: { conv: string; seq: number }) => void,
): Promise<string[]> {
  return new Promise((done) => {
    const failures: string[] = [];
    let next = 0;
    let inFlight = 0;
    let stopped = false;
    const pump = (): void => {
      while (!stopped && inFlight < window && next < count) {
        const j = next++;
        const sent = make(j);
        inFlight++;
        client
          .request('send', sent, 10_000)
          .then(
            (reply) => {
              if (reply.conv !== sent.to) failures.push(`${sent.text}: the reply names ${reply.conv}, not ${sent.to}`);
              onAck(j, sent, reply);
            },
            (err: unknown) => {
              if (err instanceof BanterError && err.code === 'DISCONNECTED') stopped = true;
              else failures.push(`${sent.text}: ${String(err)}`);
            },
          )
          .finally(() => {
            inFlight--;
            if (inFlight === 0 && (stopped || next >= count)) done(failures);
            else pump();
          });
      }
    };
    pump();
  });
}

function gapFree(messages: ChatMessage[], what: string): void {
  assert.deepEqual(
    messages.map((m) => m.seq),
    Array.from({ length: messages.length }, (_, i) => i + 1),
    `${what}: seqs run 1, 2, 3... without gaps`,
  );
}

describe('restarting the server process', () => {
  it('after SIGTERM: exits 0, tells clients, and comes back with messages, logins, tokens and mutes', { timeout: 30_000 }, async (t) => {
    const data = tempDir();
    const args = ['--data', data, ...FAST];
    let first: ServerProcess | undefined;
    let second: ServerProcess | undefined;
    const clients: BanterClient[] = [];
    try {
      first = await spawnServer(args);
      const firstClosed = once(first.child, 'close');
      const alice = await newUser(first.port, uniqueName('alice'));
      const bob = await newUser(first.port, uniqueName('bob'));
      const carol = await newUser(first.port, uniqueName('carol'));
      const dave = await newUser(first.port, uniqueName('dave'));
      const admin = await adminClient(first.port);
      clients.push(alice.client, bob.client, carol.client, dave.client, admin);
      const shutdowns = clients.map((c) => record(c, 'shutdown'));

      // A conversation with a known order: lobby and private messages, one at a time.
      const lobby: [string, string][] = [];
      const privateAB: [string, string][] = [];
      for (let i = 0; i < 6; i++) {
        const [who, name] = i % 2 ? [bob.client, bob.name] : [alice.client, alice.name];
        await who.request('send', { to: '#lobby', text: `lobby ${i} from ${name}`, cid: `l${i}` });
        lobby.push([name, `lobby ${i} from ${name}`]);
        const to = i % 2 ? `@${alice.name}` : `@${bob.name}`;
        await who.request('send', { to, text: `private ${i}` });
        privateAB.push([name, `private ${i}`]);
      }
      await carol.client.request('send', { to: '#lobby', sticker: 'wave' });
      lobby.push([carol.name, 'sticker:wave']);

      const timed = await admin.request('mute', { user: carol.name, minutes: 60, reason: 'cool down' });
      assert.equal(typeof timed.until, 'number');
      assert.equal((await admin.request('mute', { user: dave.name })).until, 'forever');
      assert.equal((await refusal(carol.client.request('send', { to: '#lobby', text: 'still here?' }))).code, 'MUTED');

      // A last burst, still streaming when the signal arrives: whatever was acknowledged must be kept.
      const burstAcks: { i: number; seq: number }[] = [];
      const first_ = first;
      const burst = stream(
        alice.client,
        BURST,
        32,
        (i) => ({ to: '#lobby', text: `burst ${i}`, cid: `b${i}` }),
        (i, _sent, reply) => {
          burstAcks.push({ i, seq: reply.seq });
          if (burstAcks.length === 40) first_.child.kill('SIGTERM');
        },
      );
      assert.deepEqual(await burst, [], 'no burst message was refused');
      assert.equal(await first.exited, 0, `exit code; stderr: ${first.stderr()}`);
      await firstClosed; // all its output read
      assert.ok(burstAcks.length >= 40 && burstAcks.length < BURST, `the signal came mid-burst (${burstAcks.length} acknowledged)`);
      t.diagnostic(`${burstAcks.length} of ${BURST} burst messages acknowledged before the shutdown`);
      await waitUntil(() => shutdowns.every((s) => s.length === 1), { what: 'a shutdown event on every client', timeoutMs: 5000 });
      for (const s of shutdowns) assert.ok(typeof s[0]!.reason === 'string' && s[0]!.reason.length > 0, 'the shutdown event gives a reason');
      await waitUntil(() => clients.every((c) => !c.isOpen), { what: 'every connection closed', timeoutMs: 5000 });
      assert.ok(first.stdout.some((l) => l.includes('"stopped"')), 'the server logged a clean stop');

      second = await spawnServer(args);
      const port = second.port;

      // Password logins and the tokens handed out before the restart both still work.
      const alice2 = await connect(port);
      clients.push(alice2);
      assert.equal((await alice2.request('login', { user: alice.name, password: PASSWORD })).user, alice.name);
      for (const u of [bob, carol, dave]) {
        const c = await connect(port);
        clients.push(c);
        const login = await c.request('login', { token: u.token });
        assert.equal(login.user, u.name, `${u.name} logs in with the token from before the restart`);
        if (u === bob) {
          const history = await fullHistory(c, '#lobby');
          gapFree(history, 'lobby');
          const firstPart = history.slice(0, lobby.length).map((m) => [m.from, m.text ?? `sticker:${m.sticker}`]);
          assert.deepEqual(firstPart, lobby, 'the lobby, in the order it was written');
          for (const ack of burstAcks) {
            const stored = history[ack.seq - 1];
            assert.deepEqual([stored?.from, stored?.text, stored?.cid], [alice.name, `burst ${ack.i}`, `b${ack.i}`], `acknowledged burst ${ack.i}`);
          }
          const burstTexts = history.slice(lobby.length).map((m) => m.text);
          t.diagnostic(`${burstTexts.length} burst messages stored`);
          assert.equal(new Set(burstTexts).size, burstTexts.length, 'no burst message stored twice');

          const dms = await fullHistory(c, `@${alice.name}`);
          gapFree(dms, 'private');
          assert.deepEqual(
            dms.map((m) => [m.from, m.text]),
            privateAB,
          );
          assert.ok(dms.every((m) => m.conv === `@${alice.name}`));
        }
        if (u === carol) {
          assert.equal(login.muted_until, timed.until, 'the timed mute survived');
          const err = await refusal(c.request('send', { to: '#lobby', text: 'after restart' }));
          assert.equal(err.code, 'MUTED');
          assert.equal(err.until, timed.until);
        }
        if (u === dave) {
          assert.equal(login.muted_until, 'forever', 'the open-ended mute survived');
          assert.equal((await refusal(c.request('send', { to: '#lobby', text: 'after restart' }))).code, 'MUTED');
        }
      }
      // Numbering carries on after the restart.
      const lastBefore = 7 + burstAcks.length;
      const next = await alice2.request('send', { to: '#lobby', text: 'after restart' });
      assert.ok(next.seq > lastBefore, `new seq ${next.seq} follows the ${lastBefore} acknowledged before`);

      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
    } finally {
      for (const c of clients) c.close();
      await ensureGone(first);
      await ensureGone(second);
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('after kill -9 mid-burst: every acknowledged message is kept with its seq, none twice, no gaps', { timeout: 30_000 }, async (t) => {
    const data = tempDir();
    const args = ['--data', data, ...FAST];
    let first: ServerProcess | undefined;
    let second: ServerProcess | undefined;
    const clients: BanterClient[] = [];
    const SENDERS = 3;
    const PER_SENDER = 300;
    const WINDOW = 64; // requests in flight per connection, under the server's limit of 256
    const KILL_AFTER = 250; // acknowledgements
    try {
      first = await spawnServer(args);
      const port = first.port;
      const senders: Awaited<ReturnType<typeof newUser>>[] = [];
      for (let i = 0; i < SENDERS; i++) senders.push(await newUser(port, uniqueName(`s${i}x`)));
      clients.push(...senders.map((s) => s.client));
      const names = senders.map((s) => s.name);
      /** Conversations by a name both ends agree on. */
      const pairOf = (a: number, b: number): string => [names[a], names[b]].sort().join('+');
      const destination = (i: number, j: number): { to: string; conv: string } =>
        j % 2 === 0 ? { to: '#lobby', conv: '#lobby' } : { to: `@${names[(i + 1) % SENDERS]}`, conv: pairOf(i, (i + 1) % SENDERS) };

      interface Ack {
        i: number;
        j: number;
        conv: string;
        seq: number;
        text: string;
        cid: string;
      }
      const acks: Ack[] = [];
      let killed = false;
      const child = first.child;

      const runSender = (i: number): Promise<string[]> =>
        stream(
          senders[i]!.client,
          PER_SENDER,
          WINDOW,
          (j) => ({ to: destination(i, j).to, text: `s${i}-m${j}`, cid: `k${i}-${j}` }),
          (j, sent, reply) => {
            acks.push({ i, j, conv: destination(i, j).conv, seq: reply.seq, text: sent.text, cid: sent.cid });
            if (!killed && acks.length >= KILL_AFTER) {
              killed = true;
              child.kill('SIGKILL');
            }
          },
        );

      const started = Date.now();
      const failures = (await Promise.all(senders.map((_, i) => runSender(i)))).flat();
      assert.equal(await first.exited, 'SIGKILL');
      t.diagnostic(`${acks.length} of ${SENDERS * PER_SENDER} acknowledged before SIGKILL, in ${Date.now() - started} ms`);
      assert.deepEqual(failures, [], 'no send was refused; only the crash interrupted them');
      assert.ok(killed, `the burst ended (${acks.length} acknowledged) before the kill`);
      assert.ok(acks.length >= KILL_AFTER && acks.length < SENDERS * PER_SENDER, `killed mid-burst: ${acks.length} of ${SENDERS * PER_SENDER} acknowledged`);
      assert.ok(Date.now() - started < 15_000, 'the burst stayed within its time bound');

      second = await spawnServer(args);
      const readers: BanterClient[] = [];
      for (let i = 0; i < SENDERS; i++) {
        const c = await connect(second.port);
        clients.push(c);
        await c.request('login', { token: senders[i]!.token });
        readers.push(c);
      }
      const r0 = readers[0]!;
      const stored = new Map<string, ChatMessage[]>([
        ['#lobby', await fullHistory(r0, '#lobby')],
        [pairOf(0, 1), await fullHistory(r0, `@${names[1]}`)],
        [pairOf(2, 0), await fullHistory(r0, `@${names[2]}`)],
        [pairOf(1, 2), await fullHistory(readers[1]!, `@${names[2]}`)],
      ]);

      for (const [conv, messages] of stored) {
        gapFree(messages, conv);
        const texts = messages.map((m) => m.text);
        assert.equal(new Set(texts).size, texts.length, `${conv}: no message stored twice`);
        const cids = messages.map((m) => m.cid);
        assert.equal(new Set(cids).size, cids.length, `${conv}: no cid stored twice`);
        // Each sender's messages are stored in the order that sender sent them.
        for (let i = 0; i < SENDERS; i++) {
          const js = messages.filter((m) => m.from === names[i]).map((m) => Number(/^s\d+-m(\d+)$/.exec(m.text ?? '')?.[1]));
          assert.deepEqual(js, [...js].sort((a, b) => a - b), `${conv}: ${names[i]}'s messages in sending order`);
        }
      }
      for (const ack of acks) {
        const m = stored.get(ack.conv)?.[ack.seq - 1];
        assert.deepEqual(
          [m?.seq, m?.from, m?.text, m?.cid],
          [ack.seq, names[ack.i], ack.text, ack.cid],
          `acknowledged ${ack.text} is in ${ack.conv} at seq ${ack.seq}`,
        );
      }

      const total = [...stored.values()].reduce((n, m) => n + m.length, 0);
      t.diagnostic(`${total} stored after the restart (${total - acks.length} stored but never acknowledged)`);
      // Resending acknowledged messages with their cids finds the originals and stores nothing.
      const lastSeqs = new Map([...stored].map(([conv, messages]) => [conv, messages.length]));
      const resent = [acks[0]!, acks.find((a) => a.conv !== '#lobby')!, acks.at(-1)!];
      for (const ack of resent) {
        const { to } = destination(ack.i, ack.j);
        const reply = await readers[ack.i]!.request('send', { to, text: ack.text, cid: ack.cid });
        assert.deepEqual([reply.conv, reply.seq], [to, ack.seq], `resend of ${ack.text}`);
      }
      for (const [conv, last] of lastSeqs) {
        const reader = conv === pairOf(1, 2) ? readers[1]! : r0;
        const name = conv === '#lobby' ? '#lobby' : conv === pairOf(0, 1) ? `@${names[1]}` : `@${names[2]}`;
        const latest = (await reader.request('history', { conv: name, limit: 5 })).messages;
        assert.equal(latest.at(-1)?.seq ?? 0, last, `${conv}: resends stored nothing new`);
      }

      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
    } finally {
      for (const c of clients) c.close();
      await ensureGone(first);
      await ensureGone(second);
      rmSync(data, { recursive: true, force: true });
    }
  });
});
