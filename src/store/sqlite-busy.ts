/** SQLite's "database is locked" (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, …) or a locked table: another writer, not a fault. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Runs `step` again while it fails busy, backing off from 5 ms to 200 ms, until `forMs` has passed. */
export async function retryWhileBusy<T>(step: () => Promise<T>, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      return await step();
    } catch (err) {
      if (!isBusy(err) || Date.now() + wait > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
