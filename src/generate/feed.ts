/**
 * The feed as a whole: the complete plan, the expected outcomes, and the streaming generator that
 * interleaves all patients' messages in arrival order.
 */
import { MinHeap } from './arrival.js';
import { generateCbcFeed } from './cbc-feed.js';
import { admissionTime, aliasId, archetypeAt, feedContext, patientId, priorId, type FeedContext } from './feed-context.js';
import { planPatient } from './patient-plan.js';
import type { AnyFeedOptions, ExpectedOutcome, FeedOptions, FeedPlan, GeneratedMessage, PlannedPatient } from './types.js';

/** The complete plan: every patient, its expected outcome and its messages (with text). */
export function planFeed(opts: FeedOptions): FeedPlan {
  const ctx = feedContext(opts);
  const patients: PlannedPatient[] = [];
  for (let i = 0; i < ctx.n; i++) {
    const { header, scheduled } = planPatient(ctx, i);
    patients.push({
      ...header,
      messages: scheduled.map((s) => ({
        controlId: s.controlId,
        patientKey: s.draft.patientKey,
        kind: s.draft.kind,
        category: s.draft.category,
        messageTime: new Date(s.draft.at),
        arrivalTime: new Date(s.arrival),
        pinned: s.draft.pinned,
        duplicate: s.duplicate,
        text: s.draft.render(s.controlId),
      })),
    });
  }
  return { seed: ctx.seed, start: new Date(ctx.start), patients, outcomes: expectedOutcomes(opts) };
}

/** Expected tier and alert status per patient key after the whole feed (cheap: builds no messages). */
export function expectedOutcomes(opts: FeedOptions): Map<string, ExpectedOutcome> {
  const ctx = feedContext(opts);
  const out = new Map<string, ExpectedOutcome>();
  for (let i = 0; i < ctx.n; i++) {
    const { archetype, expectedTier, expectedStatus } = archetypeAt(ctx, i);
    const key = `SYNTH|${patientId(i)}`;
    out.set(key, { patientKey: key, archetype, expectedTier, expectedStatus });
    // a merged-away prior id, or the reference lab's alias: never an alert of its own
    const linked = archetype === 'merged' ? `SYNTH|${priorId(i)}` : archetype === 'alias-linked' ? `SYNTHREF|${aliasId(i)}` : null;
    if (linked !== null) out.set(linked, { patientKey: linked, archetype, expectedTier: null, expectedStatus: 'none', mergedInto: key });
  }
  return out;
}

/**
 * All patients' messages in arrival order. Streaming: a patient is planned when the arrival clock
 * reaches its first admission, and only messages of patients in flight are held. With
 * `shape: 'cbc-heavy'`, the benchmark's CBC feed (cbc-feed.ts).
 */
export function generateFeed(opts: AnyFeedOptions): Generator<GeneratedMessage> {
  if (opts.shape === 'cbc-heavy') return generateCbcFeed(opts);
  // Validate now, not at the first next(): a bad option fails where the feed is requested.
  return emit(feedContext(opts));
}

function* emit(ctx: FeedContext): Generator<GeneratedMessage> {
  const heap = new MinHeap();
  let next = 0;
  for (;;) {
    while (next < ctx.n) {
      const top = heap.peek();
      if (top !== undefined && admissionTime(ctx, next) > top.arrival) break;
      for (const s of planPatient(ctx, next).scheduled) heap.push(s);
      next += 1;
    }
    const s = heap.pop();
    if (s === undefined) return;
    yield {
      text: s.draft.render(s.controlId),
      controlId: s.controlId,
      patientKey: s.draft.patientKey,
      category: s.draft.category,
      duplicate: s.duplicate,
      arrivalMs: s.arrival,
    };
  }
}
