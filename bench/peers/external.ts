import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../lib/proc.js';
import type { PeerServer, Skipped } from './types.js';

const CONFIGS = new URL('../../../bench/peers/', import.meta.url).pathname;

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Starts a broker from its config template in bench/peers/, on a spare loopback port. */
async function startFromTemplate(
  name: string,
  protocol: PeerServer['protocol'],
  command: string,
  template: string,
  args: (conf: string) => string,
  vars: Record<string, string> = {},
): Promise<PeerServer | Skipped> {
  if (!installed(command)) return { skipped: `${command} is not installed (apt-get install ${name})` };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  chmodSync(dir, 0o755);
  const conf = join(dir, template);
  let text = readFileSync(join(CONFIGS, template), 'utf8').replaceAll('@PORT@', String(port)).replaceAll('@DIR@', dir);
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`@${k}@`, v);
  writeFileSync(conf, text);
  chmodSync(conf, 0o644);
  // Room for ten thousand connections: the file limit raised to the hard limit.
  const child = spawn('sh', ['-c', `ulimit -n $(ulimit -Hn); exec ${command} ${args(conf)}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port);
  } catch (err) {
    await stopChild(child);
    return { skipped: `${name} did not start: ${stderr.trim().split('\n').pop() ?? String(err)}` };
  }
  return {
    name,
    protocol,
    port,
    pid: child.pid!,
    tokens: [],
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `noDelay`: turn Nagle off (better latency, half the throughput: it writes once per delivery). */
export function startMosquitto(noDelay = false): Promise<PeerServer | Skipped> {
  return startFromTemplate('mosquitto', 'mqtt', 'mosquitto', 'mosquitto.conf', (conf) => `-c ${conf}`, { NODELAY: String(noDelay) });
}

export function startNgircd(): Promise<PeerServer | Skipped> {
  return startFromTemplate('ngircd', 'irc', 'ngircd', 'ngircd.conf', (conf) => `--nodaemon -f ${conf}`);
}
