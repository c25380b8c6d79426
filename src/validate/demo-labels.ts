/**
 * Reference labels for a synthetic feed, derived from the generator's own expectations, so that
 * `npm run validate:demo` shows the whole loop without a real cohort. `writeDemo` writes
 * DIR/feed.hl7, DIR/labels.csv and DIR/profile-b.yaml (a second profile for --compare); the demo
 * corpus (demo-corpus.ts) is that, de-identified.
 *
 * The generator knows each patient's archetype, not a diagnosis, so the reference is a stated
 * convention: the archetypes that carry the full Mayo picture (`poems-full`, `merged`) are POEMS,
 * diagnosed 30 days after their last message; `poems-known` is excluded (diagnosed before the
 * feed: the rule suppresses its alert by design); every other patient is not POEMS. So the
 * screening-gap and work-up alerts of the demo are, by construction, false positives at the
 * "any alert" threshold: the price of a screening rule, which the report makes visible.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { planFeed, type Archetype, type FeedOptions } from '../generate/synthetic-feed.js';
import { writeFeed } from '../generate/write-feed.js';
import type { Outcome } from './labels.js';

export interface DemoLabel {
  patientKey: string;
  outcome: Outcome;
  /** YYYY-MM-DD */
  diagnosisDate?: string;
  neuropathy: boolean;
  clinician: string;
  site: string;
}

const POEMS: ReadonlySet<Archetype> = new Set(['poems-full', 'merged']);
const WITHOUT_NEUROPATHY: ReadonlySet<Archetype> = new Set(['unremarkable', 'no-neuropathy']);
const CLINICIANS = ['NEURO-A', 'NEURO-B', 'NEURO-C', 'NEURO-D'];
const DIAGNOSIS_AFTER_LAST_MESSAGE_DAYS = 30;

export const DEMO_FEED: FeedOptions = { patients: 500, seed: 11 };

/** One label per surviving patient key (merged-away prior identifiers are not patients). */
export function demoLabels(opts: FeedOptions): DemoLabel[] {
  return planFeed(opts).patients.map((p, i) => {
    const last = Math.max(...p.messages.map((m) => m.messageTime.getTime()));
    const poems = POEMS.has(p.archetype);
    return {
      patientKey: p.patientKey,
      outcome: poems ? 'poems' : p.archetype === 'poems-known' ? 'excluded' : 'not-poems',
      ...(poems ? { diagnosisDate: new Date(last + DIAGNOSIS_AFTER_LAST_MESSAGE_DAYS * 86_400_000).toISOString().slice(0, 10) } : {}),
      neuropathy: !WITHOUT_NEUROPATHY.has(p.archetype),
      clinician: CLINICIANS[i % CLINICIANS.length] ?? 'NEURO-A',
      site: 'SYNTH-SITE',
    };
  });
}

/** The label file format of labels.ts (no field needs quoting: keys and names are plain). */
export function labelsCsv(labels: readonly DemoLabel[]): string {
  const rows = labels.map((l) => [l.patientKey, l.outcome, l.diagnosisDate ?? '', l.neuropathy ? 'yes' : 'no', l.clinician, l.site].join(','));
  return `patient_key,outcome,diagnosis_date,neuropathy,clinician,site\n${rows.join('\n')}\n`;
}

/** A stricter second profile: thrombocytosis from 600 × 10⁹/L instead of 450, for --compare. */
export const PROFILE_B_YAML = `# Demo profile B: platelets count as thrombocytosis only above 600 x 10^9/L (default 450).
profileVersion: demo-platelets-600
labs:
  platelets:
    above: 600
`;

export async function writeDemo(dir: string, opts: FeedOptions = DEMO_FEED): Promise<{ feed: string; labels: string; profileB: string }> {
  mkdirSync(dir, { recursive: true });
  const paths = { feed: join(dir, 'feed.hl7'), labels: join(dir, 'labels.csv'), profileB: join(dir, 'profile-b.yaml') };
  await writeFeed(paths.feed, opts);
  writeFileSync(paths.labels, labelsCsv(demoLabels(opts)));
  writeFileSync(paths.profileB, PROFILE_B_YAML);
  return paths;
}
