/**
 * `npm run corpus:demo`: rebuilds the de-identified demo corpus (examples/demo-corpus/) with the
 * project's own tools: the synthetic feed generator and its labels (demo-labels.ts), then
 * `deidentify` with a key drawn at random for this build, held in memory only and wiped after
 * use. So the corpus is reproducible (seed and size are in its manifest) except for what the key
 * decides: pseudonyms, date offsets and the order of messages. Nobody, the maintainers included,
 * can link it back to the generated feed.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { DEFAULT_PROFILE } from '../config/default-profile.js';
import { deidentifyFiles, REPORT_FILE } from '../deidentify/deidentify-files.js';
import { RULE_VERSION } from '../rules/poems.rule.js';
import { writeDemo } from './demo-labels.js';
import { parseLabels } from './labels.js';

/** The generator's input: a few hundred patients keep the corpus under 2 MB. */
export const DEMO_CORPUS_FEED = { patients: 300, seed: 11 } as const;
export const MANIFEST_FILE = 'manifest.json';

export interface DemoCorpusManifest {
  generator: { patients: number; seed: number };
  ruleVersion: string;
  messages: number;
  patients: number;
  /** names the throwaway key without revealing it: another build, another key */
  keyId: string;
  files: { feed: string; timing: string; labels: string; profileB: string };
}

export async function buildDemoCorpus(dir: string, feed: { patients: number; seed: number } = DEMO_CORPUS_FEED): Promise<DemoCorpusManifest> {
  const work = mkdtempSync(join(tmpdir(), 'sentinel-demo-corpus-'));
  const key = randomBytes(32);
  try {
    const generated = await writeDemo(work, feed);
    const labels = parseLabels(readFileSync(generated.labels, 'utf8'));
    if (labels.labels === null) throw new Error('the generated labels do not parse');
    mkdirSync(dir, { recursive: true });
    const report = await deidentifyFiles({
      inputs: [generated.feed],
      outDir: dir,
      key,
      safeHarbor: false,
      identity: DEFAULT_PROFILE.identity,
      log: pino({ level: 'silent' }),
      // only used for a message without a readable MSH-7 (the generator writes none)
      now: new Date('2025-06-01T00:00:00Z'),
      labels: { ...labels.labels, path: generated.labels },
    });
    copyFileSync(generated.profileB, join(dir, 'profile-b.yaml'));
    // the report names the temporary input and the run's speed: counts that vary by build, not corpus content
    rmSync(join(dir, REPORT_FILE), { force: true });
    const manifest: DemoCorpusManifest = {
      generator: { patients: feed.patients, seed: feed.seed },
      ruleVersion: RULE_VERSION,
      messages: report.messages.written,
      patients: report.patients,
      keyId: report.keyId,
      files: { feed: 'feed.hl7', timing: 'feed.hl7.timing', labels: 'labels.csv', profileB: 'profile-b.yaml' },
    };
    writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    key.fill(0);
    rmSync(work, { recursive: true, force: true });
  }
}

// `node dist/src/validate/demo-corpus.js DIR` (npm run corpus:demo)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? 'examples/demo-corpus';
  const m = await buildDemoCorpus(dir);
  process.stdout.write(`wrote ${m.messages} de-identified messages of ${m.patients} patients (seed ${m.generator.seed}) to ${dir} under a throwaway key (id ${m.keyId}), now discarded\n`);
}
