import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeadLetterLimits } from '../config/dead-letter.schema.js';
import type { ErrorCode } from '../errors.js';
import type { DeadLetter, DeadLetterStore } from '../store/timeline-store.js';
import { letterSize, peerOf, type LetterSize, type SpaciousDeadLetterStore } from './dead-letter-space.js';

/** The whole of bytes of which a letter keeps only a prefix (the MLLP listener hashes as bytes pass). */
export interface OriginalBytes {
  size: number;
  /** hex SHA-256 of all `size` bytes */
  sha256: string;
}

export type DropScope = 'peer' | 'total';

export interface DeadLetterQuotaStats {
  letters: number;
  bytes: number;
  maxBytes: number;
  maxBytesPerPeer: number;
  /** peers holding letters now */
  peers: number;
  /** letters kept as a prefix, their length and SHA-256 */
  truncated: number;
  /** letters deleted, oldest first, to keep a quota: a peer's or the total */
  dropped: Record<DropScope, { letters: number; bytes: number }>;
}

/** Logging letters and drops: the first at once, then one line per interval with the counts since the last. */
const WARN_INTERVAL_MS = 60_000;
/**
 * A drop frees at least this share of its quota, so a peer flooding at its quota costs one
 * deletion every few letters rather than one scan per letter.
 */
const DROP_SLACK = 1 / 16;

/**
 * The dead-letter store with quotas: a decorator over any adapter that offers `DeadLetterSpace`.
 * A letter larger than `keepBytes` is kept as its prefix with its length and SHA-256 in the
 * detail; before a letter is added, the oldest letters of its peer, then the oldest of all, are
 * deleted as far as the peer's and the total quota need. Every deletion is counted (stats,
 * metrics), logged at most once a minute, and raises an alarm for `alarmMs`: the total quota's
 * alarm is for readiness, a peer's is a warning. Adds run one at a time, so the accounting
 * (loaded from the adapter at open, kept in memory after) follows the store.
 *
 * With Redis and several instances each instance counts the letters it saw at open and those it
 * added itself: the quotas hold per instance (documented in docs/decisions.md).
 */
export class QuotaDeadLetterStore implements DeadLetterStore {
  private readonly byPeer = new Map<string, { letters: number; bytes: number }>();
  private total = { letters: 0, bytes: 0 };
  private truncated = 0;
  private readonly dropped: Record<DropScope, { letters: number; bytes: number }> = { peer: { letters: 0, bytes: 0 }, total: { letters: 0, bytes: 0 } };
  private totalDropAt = Number.NEGATIVE_INFINITY;
  private readonly peerDropAt = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;
  private warnedAt = Number.NEGATIVE_INFINITY;
  private unwarned = emptySummary();

  private constructor(
    private readonly inner: SpaciousDeadLetterStore,
    private readonly limits: DeadLetterLimits,
    log: Logger,
    private readonly now: () => number,
  ) {
    this.log = log.child({ component: 'dead-letters' });
  }

  /** Wraps `inner`, reading what it holds now. */
  static async open(inner: SpaciousDeadLetterStore, limits: DeadLetterLimits, log: Logger, now: () => number = Date.now): Promise<QuotaDeadLetterStore> {
    const store = new QuotaDeadLetterStore(inner, limits, log, now);
    for (const u of await inner.usage()) store.account(u.origin, u.letters, u.bytes);
    return store;
  }

  add(letter: DeadLetter): Promise<void> {
    return this.addKept(letter, undefined);
  }

  /** A letter whose `bytes` are already a prefix of `original` (the listener keeps no more). */
  addPrefix(letter: DeadLetter, original: OriginalBytes): Promise<void> {
    return this.addKept(letter, original);
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  list(limit: number): Promise<(DeadLetter & { id: number })[]> {
    return this.inner.list(limit);
  }

  /** Why readiness fails: the total quota dropped letters lately (every peer is losing evidence). */
  alarm(): string | undefined {
    const since = this.now() - this.totalDropAt;
    if (since >= this.limits.alarmMs) return undefined;
    const { letters, bytes } = this.dropped.total;
    return `dead-letter quota exhausted: the oldest letters of every peer are being deleted (${letters} letters, ${bytes} bytes so far; quota ${this.limits.maxBytes} bytes, ${this.total.bytes} held)`;
  }

  /** Peers whose own quota dropped letters lately (a warning: one peer sending garbage). */
  peersOverQuota(): string[] {
    const now = this.now();
    const peers: string[] = [];
    for (const [peer, at] of this.peerDropAt) {
      if (now - at < this.limits.alarmMs) peers.push(peer);
      else this.peerDropAt.delete(peer);
    }
    return peers;
  }

  stats(): DeadLetterQuotaStats {
    return {
      letters: this.total.letters,
      bytes: this.total.bytes,
      maxBytes: this.limits.maxBytes,
      maxBytesPerPeer: this.limits.maxBytesPerPeer,
      peers: this.byPeer.size,
      truncated: this.truncated,
      dropped: { peer: { ...this.dropped.peer }, total: { ...this.dropped.total } },
    };
  }

  private addKept(letter: DeadLetter, original: OriginalBytes | undefined): Promise<void> {
    const run = this.queue.then(() => this.store(this.keep(letter, original)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The letter as kept: at most `keepBytes` of its bytes, and when cut, their length and hash. */
  private keep(letter: DeadLetter, original: OriginalBytes | undefined): DeadLetter {
    const { keepBytes } = this.limits;
    const whole = original ?? (letter.bytes.length > keepBytes ? { size: letter.bytes.length, sha256: sha256(letter.bytes) } : undefined);
    if (whole === undefined) return letter;
    const bytes = letter.bytes.length > keepBytes ? letter.bytes.subarray(0, keepBytes) : letter.bytes;
    if (whole.size <= bytes.length) return { ...letter, bytes };
    this.truncated += 1;
    return { ...letter, bytes: Buffer.from(bytes), detail: `${letter.detail} [kept the first ${bytes.length} of ${whole.size} bytes; sha256 ${whole.sha256}]` };
  }

  private async store(letter: DeadLetter): Promise<void> {
    const size = letterSize(letter);
    const peer = peerOf(letter.origin);
    const { maxBytes, maxBytesPerPeer } = this.limits;
    const mine = this.byPeer.get(peer)?.bytes ?? 0;
    if (mine + size > maxBytesPerPeer) await this.drop('peer', mine + size - maxBytesPerPeer, maxBytesPerPeer, peer);
    if (this.total.bytes + size > maxBytes) await this.drop('total', this.total.bytes + size - maxBytes, maxBytes, undefined);
    await this.inner.add(letter);
    this.account(letter.origin, 1, size);
    const u = this.unwarned;
    u.kept[letter.code] = (u.kept[letter.code] ?? 0) + 1;
    u.keptBytes += size;
    u.peers.add(peer);
    this.warn(this.now());
  }

  /** Logs what was kept and dropped since the last line (at shutdown: nothing is left unsaid). */
  flushLog(): void {
    const u = this.unwarned;
    if (Object.keys(u.kept).length > 0 || u.dropped.letters > 0) this.warn(this.now(), true);
  }

  private async drop(scope: DropScope, need: number, quota: number, peer: string | undefined): Promise<void> {
    const gone = await this.inner.dropOldest(Math.max(need, Math.floor(quota * DROP_SLACK)), peer);
    const bytes = this.forget(gone);
    const now = this.now();
    this.dropped[scope].letters += gone.length;
    this.dropped[scope].bytes += bytes;
    if (scope === 'total') this.totalDropAt = now;
    else if (peer !== undefined) this.peerDropAt.set(peer, now);
    const u = this.unwarned;
    u.dropped.letters += gone.length;
    u.dropped.bytes += bytes;
    if (scope === 'total') u.dropped.totalQuota = true;
  }

  private account(origin: string, letters: number, bytes: number): void {
    const peer = peerOf(origin);
    const held = this.byPeer.get(peer) ?? { letters: 0, bytes: 0 };
    held.letters += letters;
    held.bytes += bytes;
    if (held.letters <= 0) this.byPeer.delete(peer);
    else this.byPeer.set(peer, held);
    this.total = { letters: this.total.letters + letters, bytes: this.total.bytes + bytes };
  }

  private forget(gone: readonly LetterSize[]): number {
    let bytes = 0;
    for (const g of gone) {
      this.account(g.origin, -1, -g.size);
      bytes += g.size;
    }
    return bytes;
  }

  /**
   * One line per interval instead of one per letter (a garbage flood would write thousands):
   * letters kept by code, letters deleted for a quota. Peers are addresses, topics or file
   * names, never message content.
   */
  private warn(now: number, force = false): void {
    if (!force && now - this.warnedAt < WARN_INTERVAL_MS) return;
    const u = this.unwarned;
    this.log.warn(
      { kept: u.kept, keptBytes: u.keptBytes, dropped: u.dropped, peers: [...u.peers].slice(0, 10), heldBytes: this.total.bytes, intervalMs: WARN_INTERVAL_MS },
      u.dropped.letters > 0 ? 'dead letters kept; quota: oldest letters deleted' : 'dead letters kept',
    );
    this.warnedAt = now;
    this.unwarned = emptySummary();
  }
}

interface Summary {
  kept: Partial<Record<ErrorCode, number>>;
  keptBytes: number;
  dropped: { letters: number; bytes: number; totalQuota: boolean };
  peers: Set<string>;
}

function emptySummary(): Summary {
  return { kept: {}, keptBytes: 0, dropped: { letters: 0, bytes: 0, totalQuota: false }, peers: new Set() };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
