/**
 * The MLLP connection policy, pure: which connection has overstayed (deadlines, minimum rate) and
 * which one gives up its slot when a new connection needs it. No sockets and no clock: the
 * listener passes `now` and a view of each connection.
 */
import type { MllpLimits } from '../config/mllp.schema.js';

export type DeadlineReason = 'firstByteTimeout' | 'idleTimeout' | 'frameTimeout' | 'slowSender';
export type CloseReason = DeadlineReason | 'evicted' | 'httpRequest';
export type RefuseReason = 'maxConnections' | 'perPeer' | 'stopping';

export type PolicyLimits = Pick<MllpLimits, 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'frameTimeoutMs' | 'minBytesPerSecond' | 'minRateGraceMs'>;

export interface ConnectionView {
  openedAt: number;
  /** when the connection last became idle: opened, or its last message handled and answered */
  idleSince: number;
  /** a frame (VT) has been started on this connection */
  everStarted: boolean;
  /** messages handed to the handler: a peer that delivered none is the first to lose its slot */
  messagesHandled: number;
  /** the frame in progress: when its VT arrived and its bytes so far */
  frame: { startedAt: number; bytes: number } | undefined;
  /** a message is being handled or waits in the connection's queue: the server is the slow one */
  busy: boolean;
}

/** The deadline a connection has passed, if any. A busy connection has none. */
export function overdue(c: ConnectionView, limits: PolicyLimits, now: number): DeadlineReason | undefined {
  if (c.busy) return undefined;
  if (c.frame) {
    const age = now - c.frame.startedAt;
    if (limits.frameTimeoutMs > 0 && age >= limits.frameTimeoutMs) return 'frameTimeout';
    return age >= limits.minRateGraceMs && isSlow(c.frame, limits, now) ? 'slowSender' : undefined;
  }
  if (!c.everStarted) return limits.firstByteTimeoutMs > 0 && now - c.openedAt >= limits.firstByteTimeoutMs ? 'firstByteTimeout' : undefined;
  return limits.idleTimeoutMs > 0 && now - c.idleSince >= limits.idleTimeoutMs ? 'idleTimeout' : undefined;
}

/** The frame's average rate since its first byte is below the minimum. */
function isSlow(frame: { startedAt: number; bytes: number }, limits: PolicyLimits, now: number): boolean {
  if (limits.minBytesPerSecond === 0) return false;
  return (frame.bytes * 1000) / Math.max(1, now - frame.startedAt) < limits.minBytesPerSecond;
}

/**
 * Whether a connection may give up its slot to a newcomer, and in which order: lower ranks go
 * first, and within a rank the longest without progress. Rank 0: it never delivered a message
 * (an idle flood, a port scan, a peer that only sent garbage); rank 1: its frame in progress is
 * below the minimum rate (a slow sender, before its grace period ends); rank 2: an idle sender
 * that did deliver messages (a persistent connection between messages). A busy connection and a
 * frame arriving at a decent rate are never evicted.
 */
function evictionOrder(c: ConnectionView, limits: PolicyLimits, now: number): [rank: number, since: number] | undefined {
  if (c.busy) return undefined;
  if (c.frame) return isSlow(c.frame, limits, now) ? [c.messagesHandled === 0 ? 0 : 1, c.frame.startedAt] : undefined;
  return [c.messagesHandled === 0 ? 0 : 2, c.idleSince];
}

export function evictable(c: ConnectionView, limits: PolicyLimits, now: number): boolean {
  return evictionOrder(c, limits, now) !== undefined;
}

/** The connection to evict for a newcomer, or undefined when every one is making progress. */
export function pickVictim<C>(connections: Iterable<C>, viewOf: (c: C) => ConnectionView, limits: PolicyLimits, now: number): C | undefined {
  let best: { c: C; rank: number; since: number } | undefined;
  for (const c of connections) {
    const order = evictionOrder(viewOf(c), limits, now);
    if (!order) continue;
    const [rank, since] = order;
    if (!best || rank < best.rank || (rank === best.rank && since < best.since)) best = { c, rank, since };
  }
  return best?.c;
}

/** The peer's address, one spelling for IPv4 whether the socket is IPv4 or dual-stack IPv6. */
export function peerAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return '?';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
}
