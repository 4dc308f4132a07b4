import {
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  ProtocolError,
  isValidName,
  nameKey,
  normalizeName,
} from '../../protocol/index.js';
import type { Bus } from '../bus/port.js';
import { OutboundEvent } from '../shared/outbound-event.js';
import { DuplicateUserError, LookAlikeUserError, type SessionRecord, type Store, type UserRecord } from '../store/port.js';
import type { CoreConfig } from './config.js';
import { nameSkeleton } from './name-skeleton.js';
import { DEFAULT_PASSWORD_COST, burnPasswordCheck, hashPassword, verifyPassword, type PasswordCost } from './passwords.js';
import { FailureThrottle, TokenBucket } from './rate-limit.js';
import { hashToken, newToken } from './tokens.js';

const DAY_MS = 24 * 3600_000;

export interface LoginOutcome {
  user: UserRecord;
  token: string;
  tokenHash: string;
}

/** Registration, password and token logins, logout. */
export class Accounts {
  private readonly byAccount: FailureThrottle;
  private readonly byAddress: FailureThrottle;
  /** Registration allowances by address; each account costs a password hash and a row. */
  private readonly registrations = new Map<string, TokenBucket>();
  private readonly passwordCost: PasswordCost;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly config: CoreConfig,
  ) {
    this.byAccount = new FailureThrottle(config.loginFailuresPerAccount, config.loginMaxBackoffMs);
    this.byAddress = new FailureThrottle(config.loginFailuresPerAddress, config.loginMaxBackoffMs);
    this.passwordCost = config.passwordCost ?? DEFAULT_PASSWORD_COST;
  }

  async register(name: string, password: string, address: string): Promise<UserRecord> {
    this.takeRegistration(address);
    // Names are stored NFKC-normalised: "ｆｏｏ" (full width) is registered as "foo".
    const display = normalizeName(name).normalize('NFKC');
    if (!isValidName(name) || !isValidName(display)) {
      throw new ProtocolError('INVALID_NAME', 'a name is 1-32 characters: letters, digits, "_", "." or "-"');
    }
    checkPassword(password, display);
    const key = nameKey(display);
    const skeleton = nameSkeleton(display);
    if (await this.store.users.findByKey(key)) throw new ProtocolError('USER_EXISTS', `the name ${display} is taken`);
    const lookAlike = await this.store.users.findBySkeleton(skeleton);
    if (lookAlike) throw lookAlikeError(display, lookAlike.name);
    const passHash = await hashPassword(password, this.passwordCost, address);
    try {
      return await this.store.users.create({ name: display, key, passHash, role: 'user', createdAt: Date.now(), skeleton });
    } catch (err) {
      // Two registrations of one name (or of look-alikes) raced past the checks above.
      if (err instanceof DuplicateUserError) throw new ProtocolError('USER_EXISTS', `the name ${display} is taken`);
      if (err instanceof LookAlikeUserError) throw lookAlikeError(display, (await this.store.users.findBySkeleton(skeleton))?.name);
      throw err;
    }
  }

  /**
   * Gives users stored before names had skeletons theirs (at start; a few hundred rows a query).
   * Of old names that look alike, the first keeps the skeleton and the others none: they keep
   * working, and new look-alikes of them are refused all the same. Resolves with the names that
   * clash that way, for the operator.
   */
  async backfillSkeletons(): Promise<{ filled: number; clashes: string[] }> {
    let filled = 0;
    const clashes: string[] = [];
    for (let after = 0; ; ) {
      const page = await this.store.users.listWithoutSkeleton(after, 500);
      if (page.length === 0) return { filled, clashes };
      for (const u of page) {
        if (await this.store.users.setSkeleton(u.id, nameSkeleton(u.name))) filled++;
        else clashes.push(u.name);
      }
      after = page[page.length - 1]!.id;
    }
  }

  async loginWithPassword(name: string, password: string, address: string): Promise<LoginOutcome> {
    const key = nameKey(normalizeName(name));
    const [accountKey, addressKey] = [`account:${key}`, `address:${address}`];
    // Both the account and the address reserve the attempt before the (slow) check, so parallel
    // guesses cannot slip past either limit, and an address at its limit never reaches the hash
    // queue. A right password clears the account's count; the address's attempt is only released
    // (one valid account must not reset an address's count).
    this.reserveAttempt(accountKey, addressKey);
    let user: UserRecord | null;
    let ok: boolean;
    try {
      user = isValidName(name) ? await this.store.users.findByKey(key) : null;
      ok = user ? await verifyPassword(password, user.passHash, address) : (await burnPasswordCheck(password, this.passwordCost, address), false);
    } catch (err) {
      // Not checked (server busy, store down): counts for neither.
      this.byAccount.release(accountKey);
      this.byAddress.release(addressKey);
      throw err;
    }
    if (!user || !ok) {
      this.byAccount.fail(accountKey);
      this.byAddress.fail(addressKey);
      throw new ProtocolError('BAD_CREDENTIALS', 'wrong user name or password');
    }
    this.byAccount.succeed(accountKey);
    this.byAddress.release(addressKey);
    checkNotBanned(user);
    return this.openSession(user);
  }

  /**
   * Resumes a session. Tokens carry 256 random bits: guessing is hopeless, so token logins are
   * not throttled (an address block would lock out everyone behind the same NAT or proxy).
   */
  async loginWithToken(token: string): Promise<LoginOutcome> {
    const tokenHash = hashToken(token);
    const session = await this.store.sessions.find(tokenHash);
    const now = Date.now();
    const user = session && this.isLive(session, now) ? await this.store.users.findById(session.userId) : null;
    if (!user) throw new ProtocolError('BAD_CREDENTIALS', 'this session has expired or was ended; log in with your password');
    checkNotBanned(user);
    // Use extends it (idle lifetime), never past its absolute end. Extending costs a commit: once a
    // day is plenty for a 30-day lifetime.
    const expiresAt = Math.min(now + this.config.sessionTtlMs, session!.createdAt + this.config.sessionMaxMs);
    if (expiresAt - session!.expiresAt > DAY_MS) await this.store.sessions.extend(tokenHash, expiresAt);
    return { user, token, tokenHash };
  }

  /**
   * Re-reads what a moderator may have changed while a login was in flight (the password check
   * takes a while): a ban or revoked token refuses the login, a mute is applied.
   */
  async recheck(outcome: LoginOutcome): Promise<UserRecord> {
    const [user, session] = await Promise.all([this.store.users.findById(outcome.user.id), this.store.sessions.find(outcome.tokenHash)]);
    if (!user || !session || session.revoked) throw new ProtocolError('BAD_CREDENTIALS', 'this session was ended; log in again');
    checkNotBanned(user);
    return user;
  }

  /**
   * The user a session token belongs to, for requests that carry the token itself (HTTP):
   * known, not revoked, not expired, and the user not banned; otherwise null. It does not
   * extend the session.
   */
  async authenticate(token: string): Promise<UserRecord | null> {
    if (token.length === 0 || token.length > 200) return null;
    const session = await this.store.sessions.find(hashToken(token));
    if (!session || !this.isLive(session, Date.now())) return null;
    const user = await this.store.users.findById(session.userId);
    return user && user.banReason === null ? user : null;
  }

  async logout(tokenHash: string): Promise<void> {
    await this.store.sessions.revoke(tokenHash);
  }

  /**
   * Sets a user's password and ends every other session of theirs: their tokens are revoked and
   * their connections closed with `kicked`. `keepSession`: the token hash of the session that
   * made the change, which stays. The one way a password changes (BANTER_ADMIN_PASSWORD at start,
   * and a self-service change).
   */
  async setPassword(user: UserRecord, password: string, options: { keepSession?: string } = {}): Promise<void> {
    checkPassword(password, user.name);
    const passHash = await hashPassword(password, this.passwordCost);
    await this.store.users.update(user.id, { passHash });
    await this.endSessions(user, 'your password was changed; log in with the new one', options.keepSession);
  }

  /** Ends every session of a user (their tokens, their connections), but the one whose token hash is `keep`. Resolves with how many tokens were revoked. */
  async endSessions(user: UserRecord, reason: string, keep?: string): Promise<number> {
    // Revoke tokens first, so a client's automatic reconnect cannot walk straight back in.
    const revoked = await this.store.sessions.revokeAllOf(user.id, keep);
    const event = OutboundEvent.of('kicked', { reason });
    await this.bus.publish(keep === undefined ? { kind: 'disconnect', userKey: user.key, event } : { kind: 'disconnect', userKey: user.key, event, keep });
    return revoked;
  }

  /**
   * Makes sure `admin` exists with the given password (or a new random one when none is given).
   * A password that differs from the stored one is a password change: every admin session ends.
   */
  async ensureAdmin(password: string | undefined, randomPassword: () => string): Promise<{ created: boolean; changed?: boolean; password?: string }> {
    const key = nameKey('admin');
    const existing = await this.store.users.findByKey(key);
    if (password !== undefined) {
      checkPassword(password, 'admin');
      if (!existing) {
        await this.createAdmin(await hashPassword(password, this.passwordCost));
        return { created: true };
      }
      if (existing.role !== 'admin') await this.store.users.update(existing.id, { role: 'admin' });
      // The same password at every start must not end the sessions each time.
      if (await verifyPassword(password, existing.passHash)) return { created: false, changed: false };
      await this.setPassword(existing, password);
      return { created: false, changed: true };
    }
    if (existing) return { created: false };
    const generated = randomPassword();
    await this.createAdmin(await hashPassword(generated, this.passwordCost));
    return { created: true, password: generated };
  }

  private async createAdmin(passHash: string): Promise<void> {
    const admin = { name: 'admin', key: nameKey('admin'), passHash, role: 'admin' as const, createdAt: Date.now(), skeleton: nameSkeleton('admin') };
    try {
      await this.store.users.create(admin);
    } catch (err) {
      // A look-alike ("аdmin") registered before skeletons were kept holds the skeleton: admin
      // goes without, as a clashing old name would.
      if (!(err instanceof LookAlikeUserError)) throw err;
      await this.store.users.create({ ...admin, skeleton: null });
    }
  }

  /** Not revoked, used within the idle lifetime, and younger than the absolute one. */
  private isLive(session: SessionRecord, now: number): boolean {
    return !session.revoked && session.expiresAt > now && session.createdAt + this.config.sessionMaxMs > now;
  }

  private async openSession(user: UserRecord): Promise<LoginOutcome> {
    const token = newToken();
    const tokenHash = hashToken(token);
    const now = Date.now();
    await this.store.sessions.create({ tokenHash, userId: user.id, createdAt: now, expiresAt: now + Math.min(this.config.sessionTtlMs, this.config.sessionMaxMs), revoked: false });
    return { user, token, tokenHash };
  }

  private takeRegistration(address: string): void {
    const perHour = this.config.registerPerHour;
    let bucket = this.registrations.get(address);
    if (!bucket) {
      if (this.registrations.size >= 100_000) this.registrations.delete(this.registrations.keys().next().value!);
      this.registrations.set(address, (bucket = new TokenBucket(perHour / 3600, perHour)));
    }
    const allowance = bucket.take();
    if (!allowance.ok) {
      const wait = Math.ceil(allowance.retryAfter);
      throw new ProtocolError('RATE_LIMITED', `too many new accounts from your address; try again in ${Math.ceil(wait / 60)} min`, { retry_after: wait });
    }
  }

  private reserveAttempt(accountKey: string, addressKey: string): void {
    let wait = this.byAddress.reserve(addressKey);
    if (wait === 0) {
      wait = this.byAccount.reserve(accountKey);
      if (wait > 0) this.byAddress.release(addressKey);
    }
    if (wait > 0) {
      throw new ProtocolError('RATE_LIMITED', `too many failed logins; try again in ${wait} s`, { retry_after: wait });
    }
  }
}

function checkPassword(password: string, name: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_CHARS) {
    throw new ProtocolError('WEAK_PASSWORD', `a password needs at least ${MIN_PASSWORD_CHARS} characters`);
  }
  if (length > MAX_PASSWORD_CHARS) {
    throw new ProtocolError('WEAK_PASSWORD', `a password may have at most ${MAX_PASSWORD_CHARS} characters`);
  }
  if (nameKey(password) === nameKey(name)) throw new ProtocolError('WEAK_PASSWORD', 'the password must not be the user name');
}

function lookAlikeError(name: string, existing: string | undefined): ProtocolError {
  return new ProtocolError('USER_EXISTS', `the name ${name} looks too much like ${existing === undefined ? 'an existing name' : `the existing name ${existing}`}`);
}

function checkNotBanned(user: UserRecord): void {
  if (user.banReason !== null) {
    throw new ProtocolError('BANNED', user.banReason ? `you are banned: ${user.banReason}` : 'you are banned');
  }
}
