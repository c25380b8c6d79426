/**
 * The MLLP load generator of `npm run bench:live`, in a worker thread so that it does not take the
 * server's event loop. It sends through the one MLLP client (src/transport/mllp-client.ts):
 * open loop with a window wide enough never to hold a message back, closed loop with one message
 * in flight per connection.
 */
import { parentPort } from 'node:worker_threads';
import { generateCbcFeed } from '../../src/generate/cbc-feed.js';
import { generateFeed } from '../../src/generate/synthetic-feed.js';
import { MllpClient } from '../../src/transport/mllp-client.js';
import type { ClientRun, ClosedLoopRun, LoadResult, OpenLoopRun } from './messages.js';
import { percentiles } from './meters.js';
import { CLIENT_FEED, now, sleep } from './settings.js';

/** more than an open-loop run ever has outstanding: the schedule, not the ACKs, decides when to write */
const OPEN_WINDOW = 1_000_000;
const ACK_TIMEOUT_MS = 60_000;

class Tally {
  readonly latencies: number[] = [];
  acked = 0;
  notAa = 0;
  failed = 0;
  lastAck = 0;
  firstError: string | undefined;

  ack(sentAt: number, code: string): void {
    const t = now();
    this.acked += 1;
    this.lastAck = t;
    this.latencies.push(t - sentAt);
    if (code !== 'AA') this.notAa += 1;
  }

  fail(err: unknown): void {
    this.failed += 1;
    this.firstError ??= (err as Error).message;
  }
}

const connect = (port: number, window: number): Promise<MllpClient> => MllpClient.connect({ host: '127.0.0.1', port, window, ackTimeoutMs: ACK_TIMEOUT_MS });

async function openLoop(bodies: Buffer[], run: OpenLoopRun): Promise<LoadResult> {
  const total = Math.min(bodies.length, Math.round(run.rate * run.seconds));
  const tally = new Tally();
  const conns = await Promise.all(Array.from({ length: run.connections }, () => connect(run.port, OPEN_WINDOW)));
  const interval = 1000 / run.rate;
  const start = now() + 50;
  const scheduled = (i: number): number => start + i * interval;
  let next = 0;
  let maxSendLagMs = 0;
  const answers: Promise<void>[] = [];
  // the schedule is fixed: message i goes at start + i/rate on connection i mod n, ACKed or not;
  // latency runs from the scheduled time, so a stalled server is charged for the wait
  while (next < total) {
    const t = now();
    while (next < total && scheduled(next) <= t) {
      const at = scheduled(next);
      maxSendLagMs = Math.max(maxSendLagMs, t - at);
      answers.push(conns[next % conns.length]!.send(bodies[next]!).then((ack) => tally.ack(at, ack?.code ?? ''), (err: unknown) => tally.fail(err)));
      next += 1;
    }
    if (next < total) await sleep(Math.max(0, Math.floor(scheduled(next) - now())));
  }
  await Promise.all(answers);
  await Promise.all(conns.map((c) => c.close()));
  return {
    sent: total,
    acked: tally.acked,
    notAa: tally.notAa,
    failed: tally.failed,
    ...(tally.firstError ? { firstError: tally.firstError } : {}),
    seconds: (tally.lastAck - start) / 1000,
    latenciesMs: percentiles(tally.latencies),
    maxSendLagMs,
    exhausted: total < Math.round(run.rate * run.seconds),
  };
}

async function closedLoop(bodies: Buffer[], run: ClosedLoopRun): Promise<LoadResult> {
  const tally = new Tally();
  let sent = 0;
  let next = 0;
  let exhausted = false;
  const conns = await Promise.all(Array.from({ length: run.connections }, () => connect(run.port, 1)));
  const begin = now() + 50;
  const windowStart = begin + run.warmupSeconds * 1000;
  const windowEnd = windowStart + run.seconds * 1000;
  // each connection sends its next message when its ACK arrives; only the measured window counts
  const loop = async (c: MllpClient): Promise<void> => {
    for (;;) {
      const t = now();
      if (t >= windowEnd) return;
      if (next >= bodies.length) {
        exhausted = true;
        return;
      }
      const body = bodies[next]!;
      next += 1;
      if (t >= windowStart) sent += 1;
      try {
        const ack = await c.send(body);
        if (t >= windowStart && now() <= windowEnd) tally.ack(t, ack?.code ?? '');
      } catch (err) {
        tally.fail(err);
        return;
      }
    }
  };
  await sleep(Math.max(0, begin - now()));
  await Promise.all(conns.map(loop));
  await Promise.all(conns.map((c) => c.close()));
  return {
    sent,
    acked: tally.acked,
    notAa: tally.notAa,
    failed: tally.failed,
    ...(tally.firstError ? { firstError: tally.firstError } : {}),
    seconds: run.seconds,
    latenciesMs: percentiles(tally.latencies),
    maxSendLagMs: 0,
    exhausted,
  };
}

const port = parentPort!;
const feed = CLIENT_FEED.shape === 'cbc-heavy' ? generateCbcFeed(CLIENT_FEED) : generateFeed({ patients: CLIENT_FEED.patients, seed: CLIENT_FEED.seed });
const bodies = [...feed].map((m) => Buffer.from(m.text, 'utf8'));
port.postMessage({ ready: bodies.length });
port.on('message', (run: ClientRun) => {
  void (run.kind === 'open' ? openLoop(bodies, run) : closedLoop(bodies, run)).then(
    (result) => port.postMessage({ result }),
    (err: unknown) => port.postMessage({ error: String(err) }),
  );
});
