/** Durability boundary: everything written before `flush` resolves survives a crash. */
export interface Durable {
  flush(): Promise<void>;
  close(): Promise<void>;
}
