import { InvalidArgumentError, type Command } from 'commander';
import type { BanterClient } from '../client/index.js';
import { untilText, type AuditEntry } from '../protocol/index.js';
import { StdinReader, addConnectionOptions, connectAndLogin, resolveConnection, runScripted, usageErrorsExit2, type ConnectionFlags } from './connection-options.js';
import { printable } from '../client/display.js';
import { localTime, withIsoTimes } from './time-format.js';

type Flags = ConnectionFlags & { minutes?: number; reason?: string; limit?: number; json?: boolean };
type Action = (client: BanterClient, args: string[], flags: Flags) => Promise<string[]>;

/**
 * `banter admin <action> ...`: one moderation request as an administrator (log in as `admin`),
 * a short confirmation on stdout. The server's refusals (FORBIDDEN, NO_SUCH_USER, ...) are
 * reported as `banter: CODE: message`, exit 2.
 */
export function addAdminCommand(program: Command): void {
  const admin = program.command('admin').description('moderation for operators: mute, unmute, kick, ban, unban, notice, sessions revoke, audit');
  usageErrorsExit2(admin);

  const reason = (cmd: Command): Command => cmd.option('--reason <text>', 'why (shown to everyone, kept in the audit log)');

  action(
    reason(admin.command('mute').description('stop a user from sending').argument('<user>').option('--minutes <n>', 'for this long (default: until unmuted)', positiveNumber)),
    async (client, [user], { minutes, reason }) => {
      const r = await client.request('mute', { user: user!, ...(minutes !== undefined && { minutes }), ...(reason !== undefined && { reason }) });
      return [`muted ${r.user} ${untilText(r.until, localTime, 'until further notice')}`];
    },
  );
  action(admin.command('unmute').description('lift a mute').argument('<user>'), async (client, [user]) => {
    const r = await client.request('unmute', { user: user! });
    return [`unmuted ${r.user}`];
  });
  action(reason(admin.command('kick').description('disconnect a user (they may log in again)').argument('<user>')), async (client, [user], { reason }) => {
    const r = await client.request('kick', { user: user!, ...(reason !== undefined && { reason }) });
    return [`kicked ${r.user}`];
  });
  action(reason(admin.command('ban').description('disconnect a user and refuse their logins').argument('<user>')), async (client, [user], { reason }) => {
    const r = await client.request('ban', { user: user!, ...(reason !== undefined && { reason }) });
    return [`banned ${r.user}`];
  });
  action(admin.command('unban').description('lift a ban').argument('<user>'), async (client, [user]) => {
    const r = await client.request('unban', { user: user! });
    return [`unbanned ${r.user}`];
  });
  action(admin.command('notice').description('announce something to everyone online').argument('<text...>'), async (client, words) => {
    await client.request('notice', { text: words.join(' ') });
    return ['notice sent'];
  });
  const sessions = admin.command('sessions').description('login sessions: revoke');
  usageErrorsExit2(sessions);
  action(
    sessions.command('revoke').description("end every session of a user, an administrator's too: their tokens stop working, their connections close").argument('<user>'),
    async (client, [user]) => {
      const r = await client.request('revoke_sessions', { user: user! });
      return [`revoked ${r.revoked} session${r.revoked === 1 ? '' : 's'} of ${r.user}`];
    },
  );
  action(
    admin
      .command('audit')
      .description('recent administrator actions, newest first')
      .option('--limit <n>', 'how many (default 50, at most 200)', positiveInteger)
      .option('--json', 'one JSON object per line, times in ISO 8601'),
    async (client, _args, { limit, json }) => {
      const { entries } = await client.request('audit', limit === undefined ? {} : { limit });
      return entries.map((e) => (json ? JSON.stringify(withIsoTimes(e)) : formatAuditEntry(e)));
    },
  );
}

function action(cmd: Command, run: Action): void {
  addConnectionOptions(cmd);
  cmd.action(() =>
    runScripted(async () => {
      const flags = cmd.opts<Flags>();
      const args = (cmd.processedArgs as (string | string[])[]).flat();
      const stdin = new StdinReader();
      const conn = await resolveConnection(flags, cmd, stdin).finally(() => stdin.close());
      const client = await connectAndLogin(conn);
      try {
        for (const line of await run(client, args, flags)) process.stdout.write(line + '\n');
      } finally {
        client.close();
      }
      return 0;
    }),
  );
}


/** `YYYY-MM-DD HH:MM:SS actor action target: detail`, local time. */
export function formatAuditEntry(e: AuditEntry): string {
  return `${localTime(e.ts)} ${e.actor} ${e.action}${e.target !== null ? ` ${e.target}` : ''}${e.detail !== null ? `: ${printable(e.detail)}` : ''}`;
}


function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

function positiveInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('expected a whole number above 0');
  return Number(text);
}
