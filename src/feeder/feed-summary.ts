import type { AckOutcome } from '../hl7/ack-read.js';
import type { PaceKind } from './pacer.js';

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What a replay into a running service did. Times in milliseconds unless named otherwise. */
export interface FeedSummary {
  target: string;
  pacing: string;
  connections: number;
  /** messages read from the inputs (skipped ones included) */
  read: number;
  /** acknowledged in an earlier run (the journal) and not sent again */
  skipped: number;
  /** read but not a message (segments outside any message, an oversized one), by code: never sent */
  notMessages: Record<string, number>;
  /** messages that got a final answer in this run (AA or AR), plus those sent without asking for one */
  delivered: number;
  /** final answers per message: AA, AR, and AE when the retries ran out */
  acks: Record<AckOutcome, number>;
  /** per final answer other than AA, by the error code in ERR-3 ("AR HL7_NO_PATIENT_ID") */
  errors: Record<string, number>;
  /** messages sent without waiting: MSH-15 NE or ER asked for no acknowledgement (ER: only an error one) */
  noAckRequested: number;
  /** acknowledgements that arrived for such messages (ER: an error), by code */
  unsolicited: Record<string, number>;
  /** AE answers that were retried, by code */
  retries: number;
  retriedErrors: Record<string, number>;
  /** connections (re)opened after one failed or timed out; their unacknowledged message was sent again */
  reconnects: number;
  /** not delivered: AE after every retry, or no answer after as many tries */
  undelivered: number;
  /** messages given a time by the pacing, and those sent at once (MSH-7 out of order or missing) */
  paced: Record<PaceKind, number>;
  /** how often the sender waited for a message's time */
  waits: number;
  /** write of a message to its ACK (every ACK, retried ones included) */
  latencyMs: Percentiles | null;
  /** how late a paced message was written after its time */
  latenessMs: Percentiles | null;
  seconds: number;
  /** delivered messages per second of wall time */
  messagesPerSecond: number;
  /** stopped by a signal, or because the target could not be reached: the journal says what was done */
  stopped: string | null;
}

/** Nearest-rank percentiles; null for no samples. Sorts `samples` in place. */
export function percentiles(samples: number[]): Percentiles | null {
  if (samples.length === 0) return null;
  const sorted = samples.sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] as number };
}

/** The summary as lines for a terminal. */
export function formatFeedSummary(s: FeedSummary): string[] {
  const lines: string[] = [];
  const row = (label: string, value: string | number): void => void lines.push(`${`${label}:`.padEnd(20)}${value}`);
  const counts = (r: Record<string, number>): string => Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  const ms = (p: Percentiles | null, keys: (keyof Percentiles)[]): string => (p ? keys.map((k) => `${k} ${round(p[k])}`).join(', ') : '—');
  row('target', `${s.target} (${s.connections} connection${s.connections === 1 ? '' : 's'}, ${s.pacing})`);
  row('messages read', s.read);
  if (s.skipped > 0) row('skipped', `${s.skipped} (acknowledged in an earlier run)`);
  const notMessages = Object.values(s.notMessages).reduce((a, b) => a + b, 0);
  if (notMessages > 0) row('not sent', `${notMessages} not a message (${counts(s.notMessages)})`);
  row('delivered', s.delivered);
  row('acks', `AA ${s.acks.AA}, AE ${s.acks.AE}, AR ${s.acks.AR}`);
  for (const [code, n] of Object.entries(s.errors).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${code.padEnd(30)} ${n}`);
  if (s.noAckRequested > 0) row('no ACK requested', `${s.noAckRequested} (MSH-15 NE/ER)${Object.keys(s.unsolicited).length > 0 ? `; error ACKs: ${counts(s.unsolicited)}` : ''}`);
  row('retries', `${s.retries}${s.retries > 0 ? ` (${counts(s.retriedErrors)})` : ''}`);
  row('reconnects', s.reconnects);
  if (s.undelivered > 0) row('undelivered', `${s.undelivered} (not journaled: --resume sends them again)`);
  if (s.paced.outOfOrder + s.paced.noTime > 0) row('sent unpaced', `${s.paced.outOfOrder} MSH-7 out of order, ${s.paced.noTime} without MSH-7`);
  row('latency ms', ms(s.latencyMs, ['p50', 'p90', 'p99', 'max']));
  if (s.latenessMs) row('late vs schedule', `${ms(s.latenessMs, ['p99', 'max'])} ms (${s.waits} waits)`);
  row('rate', `${s.messagesPerSecond} messages/s (${s.seconds.toFixed(2)} s)`);
  if (s.stopped) row('stopped', s.stopped);
  return lines;
}

function round(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
