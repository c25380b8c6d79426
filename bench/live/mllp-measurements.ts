/**
 * The MLLP measurements of `npm run bench:live`, server side (main thread): the listener in front
 * of the embedded pipeline (SQLite) or of the Kafka edge, at a fixed offered rate (open loop) and
 * at saturation (closed loop), against the load-client worker.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { buildPipeline } from '../../src/app/pipeline.js';
import { serviceSqliteState, sqliteState } from '../../src/app/state.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { pipelineMllpHandler } from '../../src/consumers/mllp-handler.js';
import { MllpListener, type MllpHandler } from '../../src/consumers/mllp.consumer.js';
import type { Durable } from '../../src/store/timeline-store.js';
import { nextMessage, type ClientRun, type ClosedLoopRun, type LoadResult } from './messages.js';
import { cpuMeter, ms, pct, percentiles, stallMeter } from './meters.js';
import { notes, printRow, rows, type Row } from './report.js';
import { log, OPEN_CONNECTIONS, OPEN_SECONDS, PAUSE_MS, RATE, SATURATION_CONNECTIONS, SATURATION_SECONDS, sleep, SYNCHRONOUS, WARMUP_SECONDS } from './settings.js';

/** The orchestrator's handle on the load-client worker thread. */
export class LoadClient {
  private constructor(private readonly worker: Worker, readonly frames: number) {}

  static async start(): Promise<LoadClient> {
    const worker = new Worker(new URL('./load-client.worker.js', import.meta.url));
    const frames = await nextMessage<number>(worker, 'ready');
    return new LoadClient(worker, frames);
  }

  run(run: ClientRun): Promise<LoadResult> {
    const result = nextMessage<LoadResult>(this.worker, 'result');
    this.worker.postMessage(run);
    return result;
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}

/** An MLLP listener in front of `handler`, built as startService builds it. */
export async function listen(handler: MllpHandler): Promise<{ port: number; listener: MllpListener }> {
  const listener = new MllpListener({ host: '127.0.0.1', port: 0, maxConnections: 256, maxConnectionsPerPeer: 0, idleTimeoutMs: 0, shutdownTimeoutMs: 10_000 }, handler, log);
  const { port } = await listener.start();
  return { port, listener };
}

/** Runs the open-loop and the saturation measurements against one kind of server. */
interface Server {
  port: number;
  close: () => Promise<void>;
  /** durations of the durable commits (SQLite COMMIT, an fsync with synchronous=FULL), ms */
  commitMs?: number[];
}

/** embedded: the target's server; before: its durability as before issue 9; kafka: the MLLP → Kafka edge; floor: the do-nothing server (null-server.ts) */
export type ServerKind = 'embedded' | 'before' | 'kafka' | 'floor';

export async function mllpMeasurements(client: LoadClient, label: string, server: () => Promise<Server>, serverKind: ServerKind): Promise<void> {
  const runs: ClientRun[] = [
    { kind: 'open', port: 0, connections: OPEN_CONNECTIONS, rate: RATE, seconds: OPEN_SECONDS },
    ...SATURATION_CONNECTIONS.map((connections): ClosedLoopRun => ({ kind: 'closed', port: 0, connections, seconds: SATURATION_SECONDS, warmupSeconds: WARMUP_SECONDS })),
  ];
  // warm-up, not reported: JIT-compiles the server's and the client's paths on a throwaway server
  const warm = await server();
  await client.run({ kind: 'closed', port: warm.port, connections: 8, seconds: 1, warmupSeconds: 1 });
  await warm.close();
  for (const run of runs) {
    await sleep(PAUSE_MS);
    const s = await server();
    const elu0 = performance.eventLoopUtilization();
    const cpu = cpuMeter();
    const stalls = stallMeter();
    const r = await client.run({ ...run, port: s.port });
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const c = cpu();
    const stalled = stalls();
    await s.close();
    const what = run.kind === 'open' ? `${label}: ${RATE} msg/s offered, open loop, ${run.connections} conns` : `${label}: saturation, ${run.connections} conn${run.connections > 1 ? 's' : ''}`;
    // one connection keeps one message in flight: latency-bound, not a saturation figure
    const target = serverKind !== 'embedded'
      ? '–'
      : run.kind === 'open'
        ? `p99 < 20 ms: ${r.latenciesMs.p99 < 20 ? 'met' : 'MISSED'}`
        : run.connections === 1
          ? '– (1 in flight)'
          : `≥ 5,000 msg/s: ${r.acked / r.seconds >= 5000 ? 'met' : 'MISSED'}`;
    const kind = `${serverKind}-${run.kind === 'open' ? 'open' : 'saturation'}` as const;
    const row: Row = { kind, measurement: what, messages: r.acked, seconds: r.seconds, rate: r.acked / r.seconds, latency: r.latenciesMs, busy: `server ${pct(elu)}, process ${pct(c.process)}, machine ${pct(c.machine)}`, target };
    rows.push(row);
    printRow(row);
    if (r.notAa > 0) notes.push(`${what}: ${r.notAa} ACKs were not AA`);
    if (r.failed > 0) notes.push(`${what}: ${r.failed} messages failed (${r.firstError ?? '?'})`);
    if (r.exhausted) notes.push(`${what}: the client's feed (${client.frames} messages) ran out`);
    if (run.kind === 'open' && r.acked < r.sent) notes.push(`${what}: only ${r.acked} of ${r.sent} messages acknowledged within 60 s`);
    if (run.kind === 'open' || r.latenciesMs.max > 50) {
      const commits = s.commitMs && s.commitMs.length > 0
        ? `; ${s.commitMs.length} commits, p99 ${ms(percentiles(s.commitMs).p99)} ms, max ${ms(percentiles(s.commitMs).max)} ms`
        : '';
      notes.push(`${what}: server thread: ${stalled}${commits}`);
    }
    if (run.kind === 'open' && r.maxSendLagMs > 5) notes.push(`${what}: the client sent up to ${ms(r.maxSendLagMs)} ms behind schedule (charged to the latency)`);
  }
}

/**
 * The embedded server as `poems-sentinel run` builds it (app/state.ts serviceSqliteState: the
 * WAL's fdatasync off the event loop, several in flight), or `inline`: the same pipeline with
 * SQLite's own fsync inside COMMIT and one flush at a time, as before issue 9 (for before/after
 * figures in one run). BENCH_SYNCHRONOUS=NORMAL: no fsync at all (not durable on power loss).
 */
export async function embeddedServer(dir: string, variant: 'service' | 'inline' = 'service'): Promise<Server> {
  const path = join(dir, `mllp-${randomUUID()}.db`);
  const clock = (): Date => new Date();
  const state = SYNCHRONOUS === 'NORMAL' ? sqliteState(path, clock, 'NORMAL', undefined, false) : variant === 'inline' ? sqliteState(path, clock, 'FULL') : serviceSqliteState(path, clock);
  const pipeline = buildPipeline(state, DEFAULT_PROFILE, log, clock);
  const commitMs: number[] = [];
  const timed: Durable = {
    ...(state.durable.concurrentFlushes === undefined ? {} : { concurrentFlushes: state.durable.concurrentFlushes }),
    flush: async () => {
      const writing = state.db.db.inTransaction;
      const t = performance.now();
      await state.durable.flush();
      if (writing) commitMs.push(performance.now() - t);
    },
    close: () => state.close(),
  };
  const { port, listener } = await listen(pipelineMllpHandler(pipeline, timed));
  return {
    port,
    commitMs,
    close: async () => {
      await listener.stop();
      await state.close();
    },
  };
}
