import type { SiteProfile } from '../config/profile.schema.js';
import { Criterion, type Assessment } from '../domain/assessment.js';
import type { Finding } from '../domain/finding.js';
import { tierRank } from '../domain/tier.js';
import type { Timeline } from '../domain/timeline.js';
import { CRITERION_OF_KIND, criteriaOf, factsOf, hasDefiniteTypedClone, LABEL } from './criteria.js';
import { currentView, type CurrentView } from './current-view.js';
import { BLOOD_COUNT_KINDS, persistenceOf, type Persistence } from './persistence.js';
import { tierOf, type TierInput } from './tier-table.js';
import { suggestWorkup } from './workup.js';

/**
 * The POEMS work-up rule (spec/poems-rule.md §2 time, §3 tiers). Pure: no clock, no I/O. The
 * lookback is anchored on the patient's newest result, so the same timeline always yields the
 * same answer.
 */
export const RULE_ID = 'poems-workup';
export const RULE_VERSION = '2.0.0';

/** The rule's reading of a timeline: what is current, and the tier table's inputs. */
export interface RuleReading {
  view: CurrentView;
  input: TierInput;
}

export function readTimeline(timeline: Timeline, profile: SiteProfile): RuleReading {
  const view = currentView(timeline, profile.lookbackMonths);
  const definiteTyped = hasDefiniteTypedClone(view.current);
  const definite = view.current.filter((f) => f.certainty === 'definite');
  const persistence: Persistence[] = BLOOD_COUNT_KINDS.map((k) => persistenceOf(k, view.measurements, view.current, profile.persistenceDays));
  return {
    view,
    input: {
      all: factsOf(view.current, definiteTyped),
      definite: factsOf(definite, definiteTyped),
      // any IFE result, positive or negative, preliminary or final (spec §1 `ifeDone`)
      ifeDone: view.current.some((f) => f.kind === 'ifeDone'),
      // only a final, affirmed diagnosis suppresses (spec §1 `poemsKnown`)
      poemsKnown: definite.some((f) => f.kind === 'poemsKnown'),
      persistence,
    },
  };
}

/** Spec §3: the patient's tier, why, the criteria met and missing, the evidence and the work-up. */
export function assessTier(timeline: Timeline, profile: SiteProfile): Assessment {
  const { view, input } = readTimeline(timeline, profile);
  const { tier, reason } = tierOf(input);
  const met = new Set(criteriaOf(input.definite));
  return {
    tier,
    reason: tier === null ? reason : withPossibleNote(reason, tier, input, view.current),
    // Mayo criteria count definite findings only; possible ones show in the evidence and reason.
    criteriaMet: Criterion.options.filter((c) => met.has(c)),
    // always the honest complement, also when no tier holds: a withdrawn alert can then show
    // what is still missing, and consumers never have to special-case null
    criteriaMissing: Criterion.options.filter((c) => !met.has(c)),
    evidence: tier === null ? [] : evidenceOf(view.current),
    suggestedWorkup: suggestWorkup({ findings: view.current, measurements: view.measurements }, tier),
    ruleVersion: RULE_VERSION,
    profileVersion: profile.profileVersion,
  };
}

/**
 * Spec §3: "an alert that rests only on possible findings says so in its reason": when the
 * definite findings alone would give a lower tier, the tier rests on the possible ones.
 */
function withPossibleNote(reason: string, tier: NonNullable<Assessment['tier']>, input: TierInput, current: readonly Finding[]): string {
  const definiteOnly = tierOf({ ...input, all: input.definite });
  if (tierRank(definiteOnly.tier) >= tierRank(tier)) return reason;
  // the neuropathy itself is always definite when a tier holds
  const possible = current.filter((f) => f.certainty === 'possible' && f.kind !== 'neuropathy' && CRITERION_OF_KIND[f.kind] !== undefined);
  const named = [...new Set(possible.map(possibleLabel))];
  return `${reason} — rests only on possible findings: ${named.join(', ')}`;
}

function possibleLabel(f: Finding): string {
  const criterion = CRITERION_OF_KIND[f.kind];
  const what = f.kind === 'clone' ? cloneKindLabel(f) : f.kind === 'thrombocytosis' || f.kind === 'polycythemia' ? f.kind : criterion ? LABEL[criterion] : f.kind;
  const why = f.status === 'preliminary' ? 'preliminary result' : f.qualifiers.method === 'flc' ? 'free light chain ratio' : f.qualifiers.matched;
  return why ? `${what} (${why})` : what;
}

function cloneKindLabel(f: Finding): string {
  if (f.qualifiers.lightChain === 'lambda') return 'λ monoclonal protein';
  if (f.qualifiers.lightChain === 'kappa') return 'κ monoclonal protein';
  return 'monoclonal protein';
}

/** Every current finding of a criterion kind, oldest first (stable on ties). */
function evidenceOf(current: readonly Finding[]): Finding[] {
  return current
    .filter((f) => CRITERION_OF_KIND[f.kind] !== undefined)
    .map((f, i) => ({ f, i, t: Date.parse(f.observedAt) }))
    .sort((a, b) => (a.t - b.t) || (a.i - b.i))
    .map(({ f }) => f);
}
