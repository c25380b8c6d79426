/**
 * What a whole feed derives from its options before any patient is planned: the normalised
 * seed and start, the shuffled archetype of every patient, admission times and identifiers.
 */
import { ARCHETYPES, archetypeCounts, type ArchetypeInfo } from './archetypes.js';
import type { Variant } from './phrasing.js';
import { mix32, mulberry32 } from './rng.js';
import { MIN, SEC, pad } from './time.js';
import type { FeedOptions } from './types.js';

/** mean gap between admissions: 3 min ≈ 480 new patients a day */
const ADMISSION_GAP = 3 * MIN;
const DEFAULT_START = Date.UTC(2025, 0, 6, 0, 0, 0);
/** salt of the held-out seed family: no held-out feed equals a default feed of any seed */
const HELD_OUT_SALT = 0x5eed0b7;

export interface FeedContext {
  /** number of patients */
  n: number;
  /** the effective seed (the option, or its held-out family member) */
  seed: number;
  start: number;
  variant: Variant;
  /** 4 base-36 characters derived from the seed, so feeds of different seeds share no MSH-10 */
  tag: string;
  /** index into ARCHETYPES per patient */
  archetypes: Uint8Array;
}

export function feedContext(opts: FeedOptions): FeedContext {
  const n = opts.patients;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`patients must be a non-negative integer, got ${n}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  const variant: Variant = opts.variant ?? 'default';
  if (variant !== 'default' && variant !== 'held-out') throw new RangeError(`variant must be 'default' or 'held-out', got ${String(variant)}`);
  const raw = Math.trunc(opts.seed) >>> 0;
  const seed = variant === 'held-out' ? mix32(raw, HELD_OUT_SALT) : raw;
  const startMs = opts.start ? opts.start.getTime() : DEFAULT_START;
  if (!Number.isFinite(startMs)) throw new RangeError('start must be a valid date');
  // Whole seconds: MSH-7 has second resolution.
  const start = Math.floor(startMs / SEC) * SEC;

  const archetypes = new Uint8Array(n);
  let k = 0;
  archetypeCounts(n).forEach((c, a) => {
    archetypes.fill(a, k, k + c);
    k += c;
  });
  const rng = mulberry32(mix32(seed, 0xa5a5a5a5));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = archetypes[i] ?? 0;
    archetypes[i] = archetypes[j] ?? 0;
    archetypes[j] = t;
  }
  const tag = (variant === 'held-out' ? 'H' : '') + mix32(seed, 0x7a6).toString(36).toUpperCase().slice(-4).padStart(4, '0');
  return { n, seed, start, variant, tag, archetypes };
}

export function archetypeAt(ctx: FeedContext, index: number): ArchetypeInfo {
  const a = ARCHETYPES[ctx.archetypes[index] ?? -1];
  if (!a) throw new Error(`no archetype for patient ${index}`);
  return a;
}

/** First admission of patient `index`: strictly increasing in the index (the sweep relies on it). */
export function admissionTime(ctx: FeedContext, index: number): number {
  const offset = Math.floor((mix32(ctx.seed ^ 0x51ed270b, index) / 4294967296) * (ADMISSION_GAP / SEC)) * SEC;
  return ctx.start + index * ADMISSION_GAP + offset;
}

export function patientId(index: number): string {
  return `P${pad(index + 1, 6)}`;
}

/** the id of the temporary ("unknown patient") registration a merged patient first had */
export function priorId(index: number): string {
  return `Q${pad(index + 1, 6)}`;
}

/** the reference laboratory's own identifier of a patient (assigning authority SYNTHREF) */
export function aliasId(index: number): string {
  return `L${pad(index + 1, 6)}`;
}
