import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { messagePatients } from '../../src/deidentify/patient-groups.js';
import { compileIdentity } from '../../src/extract/patient.js';
import { loadFeedTiming } from '../../src/feeder/feed-timing.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { MANIFEST_FILE, type DemoCorpusManifest } from '../../src/validate/demo-corpus.js';
import { parseLabels } from '../../src/validate/labels.js';
import type { RunResult } from '../../src/validate/patient-result.js';
import { replayForValidation } from '../../src/app/validation-replay.js';
import { readOutput } from '../support/deidentify-run.js';
import { leaks } from '../support/leak-check.js';
import { REPO_ROOT } from '../support/service-process.js';

const CORPUS = join(REPO_ROOT, 'examples', 'demo-corpus');
const STALE = 'the demo corpus is stale: rebuild it with `npm run corpus:demo` and commit examples/demo-corpus/';
const log = pino({ level: 'silent' });

async function tiers(feed: string, db: string): Promise<Record<string, number>> {
  const run: RunResult = await replayForValidation({ inputs: [feed], dbPath: db, profile: DEFAULT_PROFILE, log });
  const counts: Record<string, number> = {};
  for (const p of run.patients) counts[p.tier ?? 'withdrawn'] = (counts[p.tier ?? 'withdrawn'] ?? 0) + 1;
  return counts;
}

describe('when the de-identified demo corpus is checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-demo-corpus-'));
  const input = join(dir, 'generated.hl7');
  const manifest = JSON.parse(readFileSync(join(CORPUS, MANIFEST_FILE), 'utf8')) as DemoCorpusManifest;
  const feed = join(CORPUS, manifest.files.feed);

  beforeAll(async () => {
    // the generator's input, regenerated from the recorded seed
    await writeFeed(input, manifest.generator);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the repository light: under 2 MB', () => {
    const bytes = Object.values(manifest.files).reduce((n, f) => n + statSync(join(CORPUS, f)).size, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('has labels that parse and a labelled patient for every key, each of them in the feed', () => {
    const parsed = parseLabels(readFileSync(join(CORPUS, manifest.files.labels), 'utf8'));
    expect(parsed.problems).toEqual([]);
    const labels = parsed.labels?.labels ?? [];
    expect(labels).toHaveLength(manifest.generator.patients);
    expect(labels.filter((l) => l.outcome === 'poems').length).toBeGreaterThan(0);
    const identity = compileIdentity(DEFAULT_PROFILE.identity);
    const inFeed = new Set(readOutput(feed).map((t) => messagePatients(parseMessage(t), identity).key));
    expect(labels.filter((l) => !inFeed.has(l.patientKey)).map((l) => l.patientKey)).toEqual([]);
    // keyed by the pseudonyms, not by the generator's keys (a pseudonym may, rarely, be another patient's key)
    const original = new Set(readOutput(input).map((t) => messagePatients(parseMessage(t), identity).key));
    expect(labels.filter((l) => original.has(l.patientKey)).length).toBeLessThan(3);
  });

  it('is the generator’s feed for the recorded seed, and leaks none of its identifying values', () => {
    expect(readOutput(feed), STALE).toHaveLength(manifest.messages);
    expect(leaks([input], CORPUS, () => manifest.files.feed)).toEqual([]);
  });

  it('carries the timing sidecar of its feed', async () => {
    const timing = await loadFeedTiming([feed], { kind: 'auto' });
    expect(timing?.gapsByFile.get(feed)).toHaveLength(manifest.messages);
  });

  it('gives the same tiers as the generated feed', async () => {
    expect(await tiers(feed, join(dir, 'corpus.db')), STALE).toEqual(await tiers(input, join(dir, 'generated.db')));
  }, 120_000);
});
