import { readHl7File } from '../consumers/file.consumer.js';
import { SentinelError } from '../errors.js';
import { controlIdFromRaw } from '../hl7/ack.js';
import { parseMessage } from '../hl7/parse.js';
import type { ReplayJournal } from './journal.js';

/** MSH-10 as the feeder journals it: as the service reads it (a content hash when empty), else as written. */
export function controlIdOf(text: string): string {
  try {
    return parseMessage(text).controlId;
  } catch {
    return controlIdFromRaw(text);
  }
}

/**
 * Before a resumed replay sends anything: every journaled message must still be where it was,
 * with the same MSH-10. A file edited, re-exported or replaced since the interrupted run would
 * otherwise skip messages the target never received (or send some twice under other ids).
 */
export async function checkJournal(journal: ReplayJournal, files: readonly string[]): Promise<void> {
  const entries = journal.entries();
  const names = new Set(files.map((f) => journal.name(f)));
  for (const name of entries.keys()) {
    if (!names.has(name)) throw new SentinelError('JOURNAL_MISMATCH', `the journal ${journal.path} lists ${name}, which is not among the inputs: resume with the same inputs`);
  }
  for (const file of files) {
    const expected = entries.get(journal.name(file));
    if (!expected) continue;
    let matched = 0;
    let index = 0;
    for await (const batch of readHl7File(file)) {
      for (const { item } of batch) {
        index += 1;
        const id = expected.get(index);
        if (id === undefined) continue;
        const found = item.kind === 'message' ? controlIdOf(item.text) : undefined;
        if (found !== id) throw new SentinelError('JOURNAL_MISMATCH', `${file} changed since the journaled run: message ${index} is no longer the one acknowledged (MSH-10 differs)`);
        matched += 1;
      }
    }
    if (matched < expected.size) throw new SentinelError('JOURNAL_MISMATCH', `${file} changed since the journaled run: it has fewer messages than were acknowledged`);
  }
}
