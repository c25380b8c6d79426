/** Durability boundary: everything written before `flush` resolves survives a crash. */
export interface Durable {
  flush(): Promise<void>;
  /** how many flushes may run at once (default 1: never overlapping); see store/sqlite-wal-sync.ts */
  readonly concurrentFlushes?: number;
  close(): Promise<void>;
}
