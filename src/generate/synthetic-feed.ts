/**
 * Deterministic synthetic HL7 v2.5.1 feed for tests, demos and the replay benchmark.
 *
 * Pure: no clock, no Math.random, no I/O. One seed gives one feed, byte for byte.
 * Every patient is obviously fake (TESTPATIENT^<word><n>, MRN "P000123", assigning authority
 * SYNTH, facility SYNTHLAB, sending application SENTINEL-GEN).
 *
 * Shape of the feed (spec = shared/spec/poems-rule.md):
 *  - Most patients are routine traffic: admissions/discharges (ADT^A01/A03/A08 with PV1, no DG1)
 *    and basic metabolic panels. These messages carry nothing the site profile can use and are the
 *    large majority (~89 %) of the feed, as in a real hospital. Routine patients also get some
 *    normal CBCs: those count as `usable` (the profile reads them and finds nothing).
 *  - A minority of patients follow an *archetype* (see ARCHETYPES) that exercises one clause of the
 *    spec and has a known tier and alert status after the whole feed.
 *  - `planFeed` builds the complete plan (every patient, every message, its MSH-7 and its arrival
 *    time). `generateFeed` emits the same messages in ARRIVAL order, streaming: patients are
 *    planned lazily as the arrival clock reaches their first message, so memory is bounded by the
 *    patients "in flight", not by the size of the feed.
 *
 *  - Real feeds vary: report wording (phrasing.ts) and unit spellings, SN/ST values, decimal
 *    commas (lab-values.ts) are drawn from pools; `variant: 'held-out'` uses another seed family
 *    and pools the default feed never uses.
 *  - `shape: 'cbc-heavy'` is the benchmark's CBC feed instead (cbc-feed.ts).
 *
 * Modules: rng.ts and time.ts (seeded PRNG, time units and HL7 time), hl7-builders.ts (segments
 * and identities), clinical-content.ts (codes), phrasing.ts and lab-values.ts (variation),
 * archetypes.ts, patient-messages.ts (the messages one patient can receive), plan-context.ts,
 * plans-clinical.ts and plans-lifecycle.ts (per-archetype plans), patient-plan.ts, arrival.ts
 * (arrival order), feed-context.ts and feed.ts (the whole feed), cbc-feed.ts. This file is the
 * public entry point.
 */
export { ARCHETYPES, type Archetype, type ArchetypeInfo, type ExpectedStatus } from './archetypes.js';
export { expectedOutcomes, generateFeed, planFeed } from './feed.js';
export { mulberry32, type Rng } from './rng.js';
export { hl7Time } from './time.js';
export type { Variant } from './phrasing.js';
export type {
  AnyFeedOptions,
  CbcFeedOptions,
  ExpectedOutcome,
  FeedOptions,
  FeedPlan,
  GeneratedMessage,
  MessageCategory,
  MessageKind,
  PlannedMessage,
  PlannedPatient,
} from './types.js';
