import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Text held in memory before the buckets are spilled to disk (UTF-16 code units: about twice in bytes). */
const SPILL_CHARS = 32 * 1024 * 1024;

interface Entry { key: number; seq: number; text: string }

/**
 * Messages written in the order of a numeric key (ties in the order added), for files larger
 * than memory: entries go to buckets by a coarse key (`bucket`), buckets are spilled to files in
 * a private temporary directory when memory fills, and each bucket is sorted on its own when
 * the output is written. A bucket must hold every entry whose key is between its neighbours'
 * (the caller's bucket is a monotone function of the key). A small file never touches the disk.
 * The temporary files hold de-identified text only.
 */
export class SortedOutput {
  private readonly buckets = new Map<number, Entry[]>();
  private readonly spilled = new Set<number>();
  private held = 0;
  private seq = 0;
  private dir: string | undefined;

  /** `spillUnder`: where the temporary directory is made (beside the output: same disk, same permissions) */
  constructor(private readonly spillUnder: string, private readonly spillChars = SPILL_CHARS) {}

  /** Adds an entry; true when memory is full and `spill()` should be awaited before the next. */
  add(bucket: number, key: number, text: string): boolean {
    let entries = this.buckets.get(bucket);
    if (entries === undefined) this.buckets.set(bucket, (entries = []));
    entries.push({ key, seq: this.seq++, text });
    this.held += text.length;
    return this.held >= this.spillChars;
  }

  /** Writes every entry in key order through `write` (in chunks), then removes the temporary files. */
  async drain(write: (chunk: string) => Promise<void>): Promise<void> {
    try {
      const order = [...new Set([...this.buckets.keys(), ...this.spilled])].sort((a, b) => a - b);
      for (const bucket of order) {
        const entries = [...(this.spilled.has(bucket) ? await this.readBack(bucket) : []), ...(this.buckets.get(bucket) ?? [])];
        this.buckets.delete(bucket);
        entries.sort((a, b) => a.key - b.key || a.seq - b.seq);
        let chunk = '';
        for (const e of entries) {
          chunk += `${e.text}\r\n`;
          if (chunk.length >= 1 << 20) {
            await write(chunk);
            chunk = '';
          }
        }
        if (chunk !== '') await write(chunk);
      }
    } finally {
      await this.close();
    }
  }

  /** Removes the temporary files (also after a failure). */
  async close(): Promise<void> {
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** Moves the buckets held in memory to their files. */
  async spill(): Promise<void> {
    this.dir ??= await mkdtemp(join(this.spillUnder, '.deidentify-sort-'));
    for (const [bucket, entries] of this.buckets) {
      // a record: "key seq bytes\n" and the text in UTF-8
      const parts: Buffer[] = [];
      for (const e of entries) {
        const text = Buffer.from(e.text, 'utf8');
        parts.push(Buffer.from(`${e.key} ${e.seq} ${text.length}\n`, 'latin1'), text);
      }
      await appendFile(this.file(bucket), Buffer.concat(parts));
      this.spilled.add(bucket);
    }
    this.buckets.clear();
    this.held = 0;
  }

  private async readBack(bucket: number): Promise<Entry[]> {
    const data = await readFile(this.file(bucket));
    const entries: Entry[] = [];
    let at = 0;
    while (at < data.length) {
      const eol = data.indexOf(0x0a, at);
      const [key, seq, length] = data.toString('latin1', at, eol).split(' ').map(Number) as [number, number, number];
      entries.push({ key, seq, text: data.toString('utf8', eol + 1, eol + 1 + length) });
      at = eol + 1 + length;
    }
    return entries;
  }

  private file(bucket: number): string {
    return join(this.dir as string, `${bucket}`);
  }
}
