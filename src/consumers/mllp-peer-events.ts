import type { Logger } from 'pino';

/** What happened to a peer's connections and bytes, as counted for the log. */
export type PeerEvent = `refused.${string}` | `closed.${string}` | `rejected.${string}` | `answered.${string}` | 'tlsHandshakeFailed';

/** deadlines a healthy sender also meets (a persistent connection that went quiet) */
const ROUTINE: ReadonlySet<string> = new Set(['closed.idleTimeout', 'closed.firstByteTimeout']);

interface Tally {
  loggedAt: number;
  pending: Map<PeerEvent, { count: number; bytes: number }>;
}

/**
 * Rate-limited logging of connection events: one line per peer per interval, with the counts
 * (and bytes) of each event since its last line, instead of one line per event. A peer's first
 * event is logged at once, so an operator sees a problem start without waiting for the interval.
 * Peers are addresses, never message content.
 */
export class PeerEventLog {
  private readonly peers = new Map<string, Tally>();

  constructor(private readonly log: Logger, private readonly intervalMs: number) {}

  note(peer: string, event: PeerEvent, now: number, bytes = 0): void {
    let tally = this.peers.get(peer);
    if (!tally) {
      tally = { loggedAt: Number.NEGATIVE_INFINITY, pending: new Map() };
      this.peers.set(peer, tally);
    }
    const entry = tally.pending.get(event);
    if (entry) {
      entry.count += 1;
      entry.bytes += bytes;
    } else {
      tally.pending.set(event, { count: 1, bytes });
    }
    if (now - tally.loggedAt >= this.intervalMs) this.emit(peer, tally, now);
  }

  /** Logs what accumulated for peers whose interval has passed (every peer with `all`), and forgets quiet peers. */
  flush(now: number, all = false): void {
    for (const [peer, tally] of this.peers) {
      const due = all || now - tally.loggedAt >= this.intervalMs;
      if (tally.pending.size > 0 && due) this.emit(peer, tally, now);
      else if (tally.pending.size === 0 && due) this.peers.delete(peer);
    }
  }

  private emit(peer: string, tally: Tally, now: number): void {
    const events = Object.fromEntries([...tally.pending].map(([k, v]) => [k, v.bytes > 0 ? v : v.count]));
    const routine = [...tally.pending.keys()].every((k) => ROUTINE.has(k));
    this.log[routine ? 'info' : 'warn']({ peer, events, intervalMs: this.intervalMs }, 'MLLP connection events');
    tally.pending.clear();
    tally.loggedAt = now;
  }
}
