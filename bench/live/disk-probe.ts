/**
 * The disk's own floor for acknowledged messages: an acknowledgement waits for an fdatasync that
 * started after its message's commit, so a connection with one message in flight cannot go
 * faster than one message per fdatasync, and 8 such connections not faster than 8 per fdatasync
 * latency, whatever the server does. Measured where the bench's databases live.
 */
import { closeSync, fdatasync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { percentiles } from './meters.js';
import type { Latencies } from './messages.js';

const fdatasyncAsync = promisify(fdatasync);

export async function fdatasyncLatency(dir: string, samples = 200): Promise<Latencies> {
  const path = join(dir, 'fdatasync-probe.bin');
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(8192, 1);
  const ms: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, page);
      const t = performance.now();
      await fdatasyncAsync(fd);
      ms.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return percentiles(ms);
}
