/** The table of `npm run bench:live`: one row per measurement, notes below it, the targets at the end. */
import type { Latencies } from './messages.js';
import { ms } from './meters.js';
import { RATE } from './settings.js';

export interface Row {
  kind: 'embedded-open' | 'embedded-saturation' | 'kafka-open' | 'kafka-saturation' | 'floor-open' | 'floor-saturation' | 'before-open' | 'before-saturation' | 'consumer';
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
/** the disk's fdatasync latency, measured at the start (disk-probe.ts) */
export const disk: { fdatasync?: Latencies } = {};

export function printRow(r: Row): void {
  const l = r.latency;
  console.log(`| ${r.measurement} | ${r.messages} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate)} | ${l ? ms(l.p50) : '–'} | ${l ? ms(l.p99) : '–'} | ${l ? ms(l.max) : '–'} | ${r.busy} | ${r.target} |`);
}

/** The targets, against the figures of this run. */
export function printTargets(): void {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log('');
  console.log('targets:');
  const best = (kind: Row['kind'], connections?: number): Row | undefined =>
    rows.filter((r) => r.kind === kind && (connections === undefined || r.measurement.endsWith(`, ${connections} conns`))).sort((a, b) => b.rate - a.rate)[0];
  const floor8 = best('floor-saturation', 8);
  const beside = (r: Row | undefined): string => (r && floor8 ? ` (the load client's floor, a do-nothing server: ${Math.round(floor8.rate)} msg/s)` : '');
  const sat8 = best('embedded-saturation', 8);
  const before8 = best('before-saturation', 8);
  const was = (r: Row | undefined): string => (r ? `; before (fsync inside COMMIT): ${Math.round(r.rate)}` : '');
  if (sat8) console.log(`- MLLP embedded, CBC-heavy, acknowledged messages/s at saturation with 8 connections >= 5,000: ${Math.round(sat8.rate)}${beside(sat8)}${was(before8)} -> ${verdict(sat8.rate >= 5000)}`);
  if (sat8 && disk.fdatasync) {
    console.log(`  the disk's floor for 8 connections with one message in flight each (an ACK waits for an fdatasync started after its commit): 8 / ${ms(disk.fdatasync.p50)} ms = ${Math.round(8000 / disk.fdatasync.p50)} msg/s at the fdatasync median`);
  }
  const sat = best('embedded-saturation');
  if (sat && sat !== sat8) console.log(`  best of any connection count: ${Math.round(sat.rate)} (${sat.measurement})`);
  const open = rows.find((r) => r.kind === 'embedded-open');
  const floorOpen = rows.find((r) => r.kind === 'floor-open');
  const beforeOpen = rows.find((r) => r.kind === 'before-open');
  if (open?.latency) console.log(`- MLLP embedded, ACK p99 at ${RATE} msg/s < 20 ms: ${ms(open.latency.p99)} ms${floorOpen?.latency ? ` (floor: ${ms(floorOpen.latency.p99)} ms)` : ''}${beforeOpen?.latency ? `; before: ${ms(beforeOpen.latency.p99)} ms` : ''} -> ${verdict(open.latency.p99 < 20)}`);
  for (const r of rows.filter((x) => x.kind === 'consumer')) {
    const per = r.rate / (r.instances ?? 1);
    console.log(`- Kafka consumer >= 10,000 msg/s per instance: ${Math.round(per)} (${r.measurement}) -> ${verdict(per >= 10_000)}`);
  }
}
