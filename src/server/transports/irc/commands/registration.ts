import { ProtocolError, isValidName, nameKey } from '../../../../protocol/index.js';
import { ERR, RPL } from '../numerics.js';
import { quitKey } from '../reasons.js';
import { userSource } from '../render.js';
import type { IrcSession } from '../session.js';
import type { IrcCommandTable } from './command.js';

/** The capabilities offered (IRCv3), with their values for CAP LS 302. */
export const CAPABILITIES: Readonly<Record<string, string | undefined>> = {
  'away-notify': undefined,
  batch: undefined,
  'draft/account-registration': 'before-connect',
  'draft/chathistory': undefined,
  'echo-message': undefined,
  'message-tags': undefined,
  // One prefix (@) is all a Banter user has; asking for all of them changes nothing, and costs nothing.
  'multi-prefix': undefined,
  sasl: 'PLAIN',
  'server-time': undefined,
  'userhost-in-names': undefined,
};

const SASL_CHUNK = 400;
/** A PLAIN message holds a name and a password: 8 KiB of base64 is far more than either needs. */
const MAX_SASL_BASE64 = 8192;

export const registrationCommands: IrcCommandTable = {
  CAP: { minParams: 1, registered: false, run: cap },
  AUTHENTICATE: { minParams: 1, registered: false, run: authenticate },
  PASS: {
    minParams: 1,
    registered: false,
    run: (s, m) => {
      if (s.registered) return s.numeric(ERR.ALREADYREGISTERED, 'You may not reregister');
      s.password = m.params[0];
    },
  },
  NICK: { minParams: 0, registered: false, run: nick },
  USER: {
    minParams: 4,
    registered: false,
    run: (s, m) => {
      if (s.registered || s.user) return s.numeric(ERR.ALREADYREGISTERED, 'You may not reregister');
      const [username, , , realname] = m.params as [string, string, string, string];
      if (username === '' || realname === '') return s.numeric(ERR.NEEDMOREPARAMS, 'USER', 'Not enough parameters');
      s.user = { username, realname };
      return s.tryRegister();
    },
  },
  PING: { minParams: 1, registered: false, run: (s, m) => s.line(s.ctx.serverName, 'PONG', [s.ctx.serverName, m.params[0]!]) },
  PONG: { minParams: 0, registered: false, run: () => undefined },
  QUIT: {
    minParams: 0,
    registered: false,
    run: (s, m) => {
      const reason = m.params[0];
      // Shown to this node's IRC users with the presence event that follows (reasons.ts); a
      // muted user's reason to nobody (the QUIT itself still goes out).
      const user = s.core.user?.record.key;
      if (user !== undefined) {
        if (reason && !s.isMuted) s.ctx.reasons.set(quitKey(user), reason);
        else s.ctx.reasons.delete(quitKey(user));
      }
      s.quit(reason ? `Quit: ${reason}` : 'Quit');
    },
  },
  REGISTER: { minParams: 3, registered: false, run: register },
};

function cap(s: IrcSession, m: { params: string[] }): void | Promise<void> {
  const sub = m.params[0]!.toUpperCase();
  const reply = (...params: string[]): void => s.line(s.ctx.serverName, 'CAP', [s.nick, ...params]);
  switch (sub) {
    case 'LS': {
      if (!s.registered) s.capNegotiating = true;
      s.capVersion = Math.max(s.capVersion, Number(m.params[1]) || 0);
      const list = Object.entries(CAPABILITIES).map(([name, value]) => (s.capVersion >= 302 && value !== undefined ? `${name}=${value}` : name));
      return reply('LS', list.join(' '));
    }
    case 'LIST':
      return reply('LIST', [...s.caps].join(' '));
    case 'REQ': {
      if (!s.registered) s.capNegotiating = true;
      const wanted = (m.params[1] ?? '').trim();
      const items = wanted.split(/ +/).filter((c) => c !== '');
      // All or nothing (IRCv3 capability negotiation): one unknown name refuses the whole request.
      const known = items.length > 0 && items.every((c) => Object.hasOwn(CAPABILITIES, c.replace(/^-/, '')));
      if (!known) return reply('NAK', wanted);
      for (const c of items) {
        if (c.startsWith('-')) s.caps.delete(c.slice(1));
        else s.caps.add(c);
      }
      return reply('ACK', wanted);
    }
    case 'END':
      if (s.registered) return;
      s.capNegotiating = false;
      return s.tryRegister();
    default:
      return s.numeric(ERR.INVALIDCAPCMD, m.params[0]!, 'Invalid CAP command');
  }
}

function nick(s: IrcSession, m: { params: string[] }): void | Promise<void> {
  const wanted = m.params[0];
  if (wanted === undefined || wanted === '') return s.numeric(ERR.NONICKNAMEGIVEN, 'No nickname given');
  if (!isValidName(wanted)) return s.numeric(ERR.ERRONEUSNICKNAME, wanted, 'Erroneous nickname: Banter names are letters, digits, "_", "." and "-"');
  if (s.registered) {
    if (nameKey(wanted) !== s.core.user!.record.key) s.numeric(ERR.NONICKCHANGE, 'Cannot change nickname: on Banter your nick is your account name');
    return;
  }
  s.requestedNick = wanted;
  return s.tryRegister();
}

async function authenticate(s: IrcSession, m: { params: string[] }): Promise<void> {
  const arg = m.params[0]!;
  if (s.registered || s.account !== undefined) return s.numeric(ERR.SASLALREADY, 'You have already authenticated');
  if (arg === '*') {
    s.sasl = undefined;
    return s.numeric(ERR.SASLABORTED, 'SASL authentication aborted');
  }
  if (!s.caps.has('sasl')) return s.numeric(ERR.SASLFAIL, 'SASL authentication failed: request the sasl capability first');
  if (!s.sasl) {
    if (arg.toUpperCase() !== 'PLAIN') {
      s.numeric(RPL.SASLMECHS, 'PLAIN', 'are available SASL mechanisms');
      return s.numeric(ERR.SASLFAIL, 'SASL authentication failed');
    }
    s.sasl = { mechanism: 'PLAIN', data: '' };
    return s.line(undefined, 'AUTHENTICATE', ['+']);
  }
  if (arg.length > SASL_CHUNK) {
    s.sasl = undefined;
    return s.numeric(ERR.SASLTOOLONG, 'SASL message too long');
  }
  if (arg !== '+') s.sasl.data += arg;
  if (s.sasl.data.length > MAX_SASL_BASE64) {
    s.sasl = undefined;
    return s.numeric(ERR.SASLFAIL, 'SASL authentication failed');
  }
  if (arg.length === SASL_CHUNK) return; // a full chunk: more follows (or "+")
  const data = s.sasl.data;
  s.sasl = undefined;
  const parts = decodePlain(data);
  if (!parts) return s.numeric(ERR.SASLFAIL, 'SASL authentication failed: malformed PLAIN message');
  const [authzid, authcid, password] = parts;
  if (authzid !== '' && nameKey(authzid) !== nameKey(authcid)) return s.numeric(ERR.SASLFAIL, 'SASL authentication failed: you can only act as yourself');
  try {
    await s.request('login', { user: authcid, password });
  } catch (err) {
    const e = err instanceof ProtocolError ? err : undefined;
    if (e?.code === 'BANNED') {
      s.numeric(ERR.YOUREBANNEDCREEP, e.message);
      return s.quit(e.message);
    }
    return s.numeric(ERR.SASLFAIL, e?.code === 'RATE_LIMITED' ? `SASL authentication failed: ${e.message}` : 'SASL authentication failed');
  }
  loggedIn(s);
  s.numeric(RPL.SASLSUCCESS, 'SASL authentication successful');
}

/** RFC 4616: base64 of `authzid NUL authcid NUL password`, UTF-8. */
function decodePlain(data: string): [string, string, string] | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(data, 'base64'));
  } catch {
    return undefined;
  }
  const parts = text.split('\0');
  return parts.length === 3 && parts[1] !== '' ? (parts as [string, string, string]) : undefined;
}

function loggedIn(s: IrcSession): void {
  const account = s.account!;
  s.line(s.ctx.serverName, RPL.LOGGEDIN, [s.requestedNick ?? account, userSource(account), account, `You are now logged in as ${account}`]);
}

/** draft/account-registration: REGISTER <account> <email> <password>, then logged in. */
async function register(s: IrcSession, m: { params: string[] }): Promise<void> {
  const [accountParam, , password] = m.params as [string, string, string];
  const fail = (code: string, ...rest: string[]): void => s.line(s.ctx.serverName, 'FAIL', ['REGISTER', code, ...rest]);
  if (s.account !== undefined) return fail('ALREADY_AUTHENTICATED', s.account, 'You are already logged in');
  const account = accountParam === '*' ? s.requestedNick : accountParam;
  if (account === undefined) return fail('NEED_NICK', '*', 'Send NICK first, or name the account');
  try {
    await s.request('register', { user: account, password });
    await s.request('login', { user: account, password });
  } catch (err) {
    const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', 'registration failed');
    const code = { INVALID_NAME: 'BAD_ACCOUNT_NAME', USER_EXISTS: 'ACCOUNT_EXISTS', WEAK_PASSWORD: 'WEAK_PASSWORD' }[e.code as string] ?? 'TEMPORARILY_UNAVAILABLE';
    return fail(code, account, e.message);
  }
  loggedIn(s);
  s.line(s.ctx.serverName, 'REGISTER', ['SUCCESS', s.account!, 'Account created']);
  s.requestedNick ??= s.account;
  return s.tryRegister();
}
