/** The table of `npm run bench:live`: one row per measurement, notes below it, the targets at the end. */
import type { Latencies } from './messages.js';
import { ms } from './meters.js';
import { RATE } from './settings.js';

export interface Row {
  kind: 'embedded-open' | 'embedded-saturation' | 'kafka-open' | 'kafka-saturation' | 'consumer';
  instances?: number;
  measurement: string;
  messages: number;
  seconds: number;
  rate: number;
  latency?: Latencies;
  busy: string;
  target: string;
}
export const rows: Row[] = [];
export const notes: string[] = [];

export function printRow(r: Row): void {
  const l = r.latency;
  console.log(`| ${r.measurement} | ${r.messages} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate)} | ${l ? ms(l.p50) : '–'} | ${l ? ms(l.p99) : '–'} | ${l ? ms(l.max) : '–'} | ${r.busy} | ${r.target} |`);
}

/** The targets, against the figures of this run. */
export function printTargets(): void {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log('');
  console.log('targets:');
  const sat = rows.filter((r) => r.kind === 'embedded-saturation').sort((a, b) => b.rate - a.rate)[0];
  if (sat) console.log(`- MLLP embedded, acknowledged messages/s at saturation >= 5,000: best ${Math.round(sat.rate)} (${sat.measurement}) -> ${verdict(sat.rate >= 5000)}`);
  const open = rows.find((r) => r.kind === 'embedded-open');
  if (open?.latency) console.log(`- MLLP embedded, ACK p99 at ${RATE} msg/s < 20 ms: ${ms(open.latency.p99)} ms -> ${verdict(open.latency.p99 < 20)}`);
  for (const r of rows.filter((x) => x.kind === 'consumer')) {
    const per = r.rate / (r.instances ?? 1);
    console.log(`- Kafka consumer >= 10,000 msg/s per instance: ${Math.round(per)} (${r.measurement}) -> ${verdict(per >= 10_000)}`);
  }
}
