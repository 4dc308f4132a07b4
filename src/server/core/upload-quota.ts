import type { UserRecord } from '../store/port.js';

export interface UploadQuotaConfig {
  /** Total bytes one user may have uploaded (every file record counts). */
  quotaBytes: number;
  /** Uploads one user may have running at once on this node. */
  maxInFlight: number;
}

/** Why an upload may not start (or go on). */
export type QuotaRefusal = { kind: 'over-quota'; left: number } | { kind: 'too-many'; limit: number };

/**
 * One running upload's claim on its user's quota: the declared size at once, or the bytes as they
 * stream in. `release` (failure) or `commit` (the record is stored) ends it; both may be called
 * more than once and only the first counts.
 */
export interface UploadReservation {
  /** Bytes claimed so far. */
  readonly bytes: number;
  /** Claims `n` more bytes; false (nothing claimed) if that would take the user over the quota. */
  grow(n: number): boolean;
  /** Bytes the user may still claim, this reservation's own already counted against them. */
  left(): number;
  /** The upload failed or was refused: its bytes are free again. */
  release(): void;
  /**
   * Stores the upload's record (`store`, which must add exactly `bytes` to what the user has
   * uploaded) and only then frees the reservation, while no other check of this user runs: the
   * bytes are counted once, never twice nor zero times.
   */
  commit<T>(store: () => Promise<T>): Promise<T>;
}

interface Ledger {
  /** What the store said the user had uploaded, plus what was committed here since; null until read. */
  stored: number | null;
  open: Set<Reservation>;
  /** Checks and commits waiting or running: the ledger is kept while there are any. */
  pending: number;
  /** Checks and commits of this user take turns (a commit moves bytes from open to stored). */
  turn: Promise<unknown>;
}

interface Reservation {
  bytes: number;
}

/**
 * The per-user upload quota with the uploads that are still running counted: each one reserves
 * its size before its body is accepted, so concurrent uploads cannot each see the same room left.
 * The state lives in this process while a user has an upload running (read from the store when
 * the first one starts), so with several nodes each node holds its own reservations.
 */
export class UploadQuota {
  private readonly ledgers = new Map<number, Ledger>();

  constructor(
    private readonly config: UploadQuotaConfig,
    /** Bytes the user's stored file records add up to. */
    private readonly uploadedBytes: (user: UserRecord) => Promise<number>,
  ) {}

  /**
   * Starts an upload of `declared` bytes (undefined: unknown, claimed as it streams): a
   * reservation, or why not. A declared size over what is left is refused here, before the body.
   */
  begin(user: UserRecord, declared: number | undefined): Promise<UploadReservation | QuotaRefusal> {
    const ledger = this.ledgerOf(user.id);
    return this.inTurn(user.id, ledger, async () => {
      ledger.stored ??= await this.uploadedBytes(user);
      if (ledger.open.size >= this.config.maxInFlight) return { kind: 'too-many', limit: this.config.maxInFlight };
      const left = this.left(ledger);
      // Once the quota is used up even an empty upload is refused.
      if (left <= 0 || (declared ?? 0) > left) return { kind: 'over-quota', left };
      const r: Reservation = { bytes: declared ?? 0 };
      ledger.open.add(r);
      return this.handle(user.id, ledger, r);
    });
  }

  /** Uploads running for this user on this node. */
  inFlight(userId: number): number {
    return this.ledgers.get(userId)?.open.size ?? 0;
  }

  private handle(userId: number, ledger: Ledger, r: Reservation): UploadReservation {
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      ledger.open.delete(r);
      this.forgetIfIdle(userId, ledger);
    };
    const left = (): number => this.left(ledger);
    return {
      get bytes() {
        return r.bytes;
      },
      grow: (n) => {
        if (ended || n > left()) return false;
        r.bytes += n;
        return true;
      },
      left,
      release: end,
      commit: (store) =>
        this.inTurn(userId, ledger, async () => {
          try {
            const out = await store();
            if (!ended) ledger.stored! += r.bytes;
            return out;
          } finally {
            end();
          }
        }),
    };
  }

  private left(ledger: Ledger): number {
    let reserved = 0;
    for (const r of ledger.open) reserved += r.bytes;
    return this.config.quotaBytes - ledger.stored! - reserved;
  }

  private ledgerOf(userId: number): Ledger {
    let ledger = this.ledgers.get(userId);
    if (!ledger) this.ledgers.set(userId, (ledger = { stored: null, open: new Set(), pending: 0, turn: Promise.resolve() }));
    return ledger;
  }

  /** Forgets a user's ledger once nothing of theirs is running or waiting: the store is the truth again. */
  private forgetIfIdle(userId: number, ledger: Ledger): void {
    if (ledger.open.size === 0 && ledger.pending === 0 && this.ledgers.get(userId) === ledger) this.ledgers.delete(userId);
  }

  private inTurn<T>(userId: number, ledger: Ledger, run: () => Promise<T>): Promise<T> {
    ledger.pending++;
    const next = ledger.turn.then(run).finally(() => {
      ledger.pending--;
      this.forgetIfIdle(userId, ledger);
    });
    ledger.turn = next.catch(() => undefined);
    return next;
  }
}
