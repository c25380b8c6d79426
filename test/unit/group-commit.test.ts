import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/consumers/mllp-handler.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('group commit with flushes in flight at once', () => {
  it('runs at most `concurrency` flushes, and answers each caller after a flush that started after its call', async () => {
    let running = 0;
    let most = 0;
    let started = 0;
    const releases: (() => void)[] = [];
    const commit = groupCommit(async () => {
      started += 1;
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    }, 2);
    const calls: { at: number; done: number | undefined }[] = [];
    const call = (): void => {
      const c = { at: started, done: undefined as number | undefined };
      calls.push(c);
      void commit().then(() => {
        c.done = started;
      });
    };
    // five turns of callers: flushes 1 and 2 start, the rest gather in one batch behind them
    for (let turn = 0; turn < 5; turn++) {
      call();
      call();
      await tick();
    }
    expect(started).toBe(2);
    expect(most).toBe(2);
    while (releases.length > 0 || calls.some((c) => c.done === undefined)) {
      releases.shift()?.();
      await tick();
      await tick();
    }
    expect(most).toBe(2);
    expect(started).toBe(3);
    for (const c of calls) expect(c.done).toBeGreaterThan(c.at);
  });

  it('hands a failure to every caller of its batch only', async () => {
    let n = 0;
    const commit = groupCommit(async () => {
      n += 1;
      if (n === 1) throw new Error('disk full');
    }, 2);
    const first = [commit(), commit()];
    await expect(Promise.all(first)).rejects.toThrow('disk full');
    await expect(commit()).resolves.toBeUndefined();
  });
});
