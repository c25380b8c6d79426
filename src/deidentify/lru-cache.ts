/**
 * A bounded cache that keeps what was used recently: two generations of at most `limit / 2`
 * entries; a hit in the older one moves the entry to the newer; when the newer is full it
 * becomes the older and the old older is dropped. An approximation of least-recently-used
 * without the cost of reordering a map on every hit.
 *
 * Why not clear-when-full: a patient's identifier recurs in every one of their messages across
 * a month, while most control and order numbers are seen once or twice; clearing would throw the
 * recurring ones away with the rest.
 */
export class LruCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly generation: number;

  constructor(limit: number) {
    this.generation = Math.max(1, Math.floor(limit / 2));
  }

  get(key: string): V | undefined {
    const hot = this.young.get(key);
    if (hot !== undefined) return hot;
    const cold = this.old.get(key);
    if (cold !== undefined) this.set(key, cold);
    return cold;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** entries held (an entry promoted from the older generation may be counted twice) */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
