/** What the orchestrator measures besides messages and seconds: latency quantiles, CPU, stalls. */
import os from 'node:os';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import type { Latencies } from './messages.js';

export const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '–');
export const pct = (v: number): string => `${Math.round(v * 100)} %`;

export function percentiles(samples: number[]): Latencies {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

/** Whole-machine CPU use between two calls (all cores), and this process's share of one core. */
export function cpuMeter(): () => { machine: number; process: number } {
  const snap = (): { busy: number; total: number } =>
    os.cpus().reduce((acc, c) => {
      const total = c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
      return { busy: acc.busy + total - c.times.idle, total: acc.total + total };
    }, { busy: 0, total: 0 });
  const m0 = snap();
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const m1 = snap();
    const p = process.cpuUsage(p0);
    return { machine: (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total), process: (p.user + p.system) / 1000 / Math.max(1, performance.now() - t0) };
  };
}

/** Where a latency tail comes from on the server thread: event-loop stalls, GC pauses, commits. */
export function stallMeter(): () => string {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gc: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    delay.disable();
    observer.disconnect();
    const gcMax = gc.length > 0 ? Math.max(...gc) : 0;
    return `event-loop delay p99 ${ms(delay.percentile(99) / 1e6)} ms, max ${ms(delay.max / 1e6)} ms; GC ${gc.length} pauses, max ${ms(gcMax)} ms, ${ms(gc.reduce((a, b) => a + b, 0))} ms in all`;
  };
}
