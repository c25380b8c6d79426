import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkJournal } from '../../src/feeder/journal-check.js';
import { ReplayJournal } from '../../src/feeder/journal.js';

const TARGET = 'mllp:127.0.0.1:2575';
const message = (id: string): string => `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ADT^A08|${id}|P|2.5.1\rPID|1||P${id}^^^SYNTH^MR||TESTPATIENT^ALPHA\r`;

describe('when a replay journals what was acknowledged', () => {
  let dir: string;
  let feed: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-journal-'));
    feed = join(dir, 'feed.hl7');
    writeFileSync(feed, ['J1', 'J2', 'J3'].map(message).join('\r\n'));
    path = ReplayJournal.defaultPath([feed]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function journalTwo(): Promise<void> {
    const journal = await ReplayJournal.open(path, { resume: false, target: TARGET });
    journal.record({ file: feed, index: 1, controlId: 'J1', code: 'AA' });
    journal.record({ file: feed, index: 2, controlId: 'J2', code: 'AR' });
    await journal.close();
  }

  it('lies next to the first input and names files relative to itself', async () => {
    expect(path).toBe(`${feed}.replay-journal`);
    expect(ReplayJournal.defaultPath([`${dir}/`])).toBe(`${dir}.replay-journal`);
    await journalTwo();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: 'poems-sentinel-replay-journal', target: TARGET });
    expect(lines.slice(1)).toEqual([{ f: 'feed.hl7', i: 1, id: 'J1', a: 'AA' }, { f: 'feed.hl7', i: 2, id: 'J2', a: 'AR' }]);
  });

  it('loads the entries on resume, and the inputs check out', async () => {
    await journalTwo();
    const journal = await ReplayJournal.open(path, { resume: true, target: TARGET });
    expect(journal.size).toBe(2);
    expect(journal.lookup(journal.name(feed), 2)).toBe('J2');
    expect(journal.lookup(journal.name(feed), 3)).toBeUndefined();
    await expect(checkJournal(journal, [feed])).resolves.toBeUndefined();
    await journal.close();
  });

  it('refuses to start over an earlier run without --resume, but reuses a journal without entries', async () => {
    await (await ReplayJournal.open(path, { resume: false, target: TARGET })).close();
    await (await ReplayJournal.open(path, { resume: false, target: 'mllp:other:1' })).close();
    await journalTwo().catch(() => undefined);
    await expect(ReplayJournal.open(path, { resume: false, target: TARGET })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('refuses to resume into another target', async () => {
    await journalTwo();
    await expect(ReplayJournal.open(path, { resume: true, target: 'mllp:127.0.0.1:2576' })).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH' });
  });

  it('ignores a last line cut by a crash, but not a damaged line before it', async () => {
    await journalTwo();
    appendFileSync(path, '{"f":"feed.hl7","i":3,"id":"J');
    const journal = await ReplayJournal.open(path, { resume: true, target: TARGET });
    expect(journal.size).toBe(2);
    await journal.close();
    writeFileSync(path, readFileSync(path, 'utf8').replace('"i":1', '"i":"x"'));
    await expect(ReplayJournal.open(path, { resume: true, target: TARGET })).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH' });
  });

  it('finds a file changed since the journaled run: another message in a journaled place, or fewer messages', async () => {
    await journalTwo();
    writeFileSync(feed, ['J1', 'J2-EDITED', 'J3'].map(message).join('\r\n'));
    const journal = await ReplayJournal.open(path, { resume: true, target: TARGET });
    await expect(checkJournal(journal, [feed])).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH', message: expect.stringMatching(/message 2/) as string });
    writeFileSync(feed, message('J1'));
    await expect(checkJournal(journal, [feed])).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH', message: expect.stringMatching(/fewer messages/) as string });
    await expect(checkJournal(journal, [join(dir, 'other.hl7')])).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH' });
    await journal.close();
  });
});
