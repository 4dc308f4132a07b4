/**
 * Durable writes: several clients pipeline sends into SQLite (--sync full: every acknowledged
 * message survives power loss; group commit makes one fsync per batch). After a few seconds the
 * server is killed with SIGKILL mid-stream; then the database is opened read-only and every
 * acknowledged (conv, seq) must be there, with the cid it was sent with, once.
 * Mosquitto and ngIRCd have no per-message durable store to compare with.
 */
import Database from 'better-sqlite3';
import net from 'node:net';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { lineReader } from '../drivers/types.js';
import { startBanter } from '../peers/banter.js';
import { makePayload } from '../lib/payload.js';
import { CpuMeter, sleep } from '../lib/proc.js';
import type { Row } from '../lib/results.js';
import { fmt, type RunOptions } from './common.js';

const CLIENTS = 8;
const WINDOW = 128;
const SECONDS = Number(process.env.BENCH_DURABLE_SECONDS ?? 5);

interface Acked {
  cid: string;
  seq: number;
}

function durableClient(port: number, token: string, client: number, acked: Acked[], stop: { now: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let sent = 0;
    let answered = 0;
    let loggedIn = false;
    const cids = new Map<number, string>();
    const pump = (): void => {
      let out = '';
      while (!stop.now && sent - answered < WINDOW) {
        const id = ++sent;
        const cid = `d${client}-${id}`;
        cids.set(id, cid);
        out += `{"id":${id},"op":"send","to":"#lobby","text":"${makePayload(client, id)}","cid":"${cid}"}\n`;
      }
      if (out) s.write(out);
    };
    s.on('error', () => undefined);
    s.on('close', () => resolve());
    s.on(
      'data',
      lineReader((buf, from, end) => {
        if (buf[from + 2] !== 114 /* {"re" */) return;
        const line = buf.toString('utf8', from, end);
        const m = /^\{"re":(\d+),"ok":true(?:,"conv":"#lobby","seq":(\d+))?/.exec(line);
        if (!m) return;
        if (!loggedIn) {
          loggedIn = true;
          return pump();
        }
        const id = Number(m[1]);
        acked.push({ cid: cids.get(id)!, seq: Number(m[2]) });
        cids.delete(id);
        answered++;
        pump();
      }),
    );
    s.once('connect', () => s.write(`{"id":0,"op":"login","token":"${token}"}\n`));
  });
}

export async function durable(o: RunOptions): Promise<Row[]> {
  const rate: Row = { workload: 'durable sends (sync full)', metric: 'acknowledged sends/s', unit: '/s', better: 'higher', target: { bound: 20_000, text: '>= 20,000/s' }, results: {} };
  const lost: Row = { workload: 'durable, lost after kill -9', metric: 'acknowledged messages missing', unit: '', better: 'lower', target: { bound: 0, text: '0' }, results: {} };
  const none = { skipped: 'no per-message durable store' };
  for (const peer of ['mosquitto', 'ngircd'] as const) if (o.systems.includes(peer)) rate.results[peer] = lost.results[peer] = none;
  if (!o.systems.includes('banter')) return [rate, lost];
  const server = await startBanter({ users: CLIENTS, sync: 'full' });
  try {
    const acked: Acked[] = [];
    const stop = { now: false };
    const cpu = new CpuMeter(server.pid);
    const started = performance.now();
    const clients = Array.from({ length: CLIENTS }, (_, c) => durableClient(server.port, server.tokens[c]!, c, acked, stop));
    await sleep(SECONDS * 1000);
    const usage = cpu.read();
    const seconds = (performance.now() - started) / 1000;
    // Mid-stream: sends are in flight and a batch may be committing.
    server.child.kill('SIGKILL');
    const atKill = acked.length;
    stop.now = true;
    await Promise.all(clients);
    const db = new Database(join(server.dataDir, 'banter.db'), { readonly: true });
    const rows = db.prepare("SELECT seq, cid FROM messages WHERE conv = '#lobby'").all() as { seq: number; cid: string }[];
    db.close();
    const stored = new Map<string, number[]>();
    for (const r of rows) stored.set(r.cid, [...(stored.get(r.cid) ?? []), r.seq]);
    let missing = 0;
    for (const a of acked) {
      const seqs = stored.get(a.cid);
      if (!seqs || seqs.length !== 1 || seqs[0] !== a.seq) missing++;
    }
    const perSecond = atKill / seconds;
    o.log(`  banter: ${fmt(atKill)} sends acknowledged in ${seconds.toFixed(1)} s (${fmt(perSecond)}/s), server CPU ${fmt(usage.server * 100)}%; after kill -9: ${fmt(rows.length)} stored, ${missing} of ${fmt(acked.length)} acknowledged missing or changed`);
    rate.results.banter = { value: perSecond, ok: missing === 0, serverCpu: usage.server, generatorCpu: usage.generator };
    lost.results.banter = { value: missing, ok: missing === 0, note: `${fmt(acked.length)} acknowledged, ${fmt(rows.length)} stored` };
  } finally {
    server.child.kill('SIGKILL');
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  return [rate, lost];
}
