import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { SiteProfile } from '../../src/config/profile.schema.js';
import { Assessment, type Criterion } from '../../src/domain/assessment.js';
import type { Finding, FindingKind, Qualifiers } from '../../src/domain/finding.js';
import { RULE_ID, RULE_VERSION, evaluate } from '../../src/rules/poems.rule.js';
import { WORKUP_ITEMS, suggestWorkup } from '../../src/rules/workup.js';

// ---------------------------------------------------------------------------------------------
// Factory: every finding gets a unique source so evidence can be told apart.

const NEWEST = '2024-06-15T12:00:00Z';
let seq = 0;

interface Options {
  at?: string;
  qualifiers?: Qualifiers;
  resultKey?: string;
}

function finding(kind: FindingKind, options: Options = {}): Finding {
  seq += 1;
  return {
    kind,
    observedAt: options.at ?? NEWEST,
    qualifiers: options.qualifiers ?? {},
    certainty: 'definite',
    source: {
      messageControlId: `MSG${seq}`,
      sendingFacility: 'LAB',
      segment: 'OBX[1]',
      resultKey: options.resultKey ?? `ORD${seq}^${kind}^1`,
    },
  };
}

const neuropathy = (o: Options = {}): Finding => finding('neuropathy', o);
const cidp = (o: Options = {}): Finding => finding('neuropathy', { ...o, qualifiers: { cidp: true } });
const lambda = (o: Options = {}): Finding => finding('clone', { ...o, qualifiers: { lightChain: 'lambda' } });
const kappa = (o: Options = {}): Finding => finding('clone', { ...o, qualifiers: { lightChain: 'kappa' } });
const untyped = (o: Options = {}): Finding => finding('clone', { ...o, qualifiers: { lightChain: 'unknown' } });
const untypedNoQualifier = (o: Options = {}): Finding => finding('clone', o);

const run = (...findings: Finding[]) => evaluate(findings, DEFAULT_PROFILE);
const tierOf = (...findings: Finding[]) => run(...findings).tier;
const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

const MAJOR_KINDS = ['vegfHigh', 'scleroticBone', 'castleman'] as const;
const MINOR_KINDS = [
  'organomegaly',
  'volumeOverload',
  'endocrinopathy',
  'skinChanges',
  'papilledema',
  'thrombocytosis',
  'polycythemia',
] as const;

describe('rule identity', () => {
  it('exports a stable id and semantic version', () => {
    expect(RULE_ID).toBe('poems-workup');
    expect(RULE_VERSION).toBe('1.0.0');
  });

  it('stamps rule and profile versions and produces a schema-valid assessment', () => {
    const a = run(neuropathy(), lambda(), finding('vegfHigh'), finding('organomegaly'));
    expect(a.ruleVersion).toBe(RULE_VERSION);
    expect(a.profileVersion).toBe(DEFAULT_PROFILE.profileVersion);
    expect(() => Assessment.parse(a)).not.toThrow();
  });
});

describe('when there is no neuropathy', () => {
  it('gives no tier even if every other criterion is met', () => {
    const a = run(lambda(), finding('vegfHigh'), finding('scleroticBone'), finding('organomegaly'));
    expect(a.tier).toBeNull();
    expect(a.reason).toBe('no neuropathy on record');
    expect(a.evidence).toEqual([]);
    expect(a.suggestedWorkup).toEqual([]);
  });

  it('gives no tier for an empty timeline', () => {
    const a = run();
    expect(a.tier).toBeNull();
    expect(a.reason).toBe('no neuropathy on record');
    expect(a.criteriaMet).toEqual([]);
  });
});

describe('when POEMS is already diagnosed', () => {
  it('suppresses even criteria-met and says why', () => {
    const a = run(neuropathy(), lambda(), finding('scleroticBone'), finding('organomegaly'), finding('poemsKnown'));
    expect(a.tier).toBeNull();
    expect(a.reason).toMatch(/already diagnosed/);
    expect(a.suggestedWorkup).toEqual([]);
  });

  it('suppresses workup-recommended and screening-gap too', () => {
    expect(tierOf(neuropathy(), lambda(), finding('poemsKnown'))).toBeNull();
    expect(tierOf(cidp(), finding('organomegaly'), finding('poemsKnown'))).toBeNull();
  });
});

describe('when the tier is criteria-met (clone + ≥1 major + ≥1 minor)', () => {
  it.each(MAJOR_KINDS)('holds with a λ clone, major %s and a minor', (major) => {
    expect(tierOf(neuropathy(), lambda(), finding(major), finding('papilledema'))).toBe('criteria-met');
  });

  it.each(MINOR_KINDS)('holds with a λ clone, a major and minor %s', (minor) => {
    expect(tierOf(neuropathy(), lambda(), finding('castleman'), finding(minor))).toBe('criteria-met');
  });

  it('holds with a κ clone (any light chain counts here)', () => {
    expect(tierOf(neuropathy(), kappa(), finding('scleroticBone'), finding('thrombocytosis'))).toBe('criteria-met');
  });

  it('holds with an untyped clone, light chain unknown or absent', () => {
    expect(tierOf(neuropathy(), untyped(), finding('vegfHigh'), finding('skinChanges'))).toBe('criteria-met');
    expect(tierOf(neuropathy(), untypedNoQualifier(), finding('vegfHigh'), finding('skinChanges'))).toBe('criteria-met');
  });

  it('does not hold without a clone (falls to workup-recommended)', () => {
    expect(tierOf(neuropathy(), finding('vegfHigh'), finding('organomegaly'))).toBe('workup-recommended');
  });

  it('does not hold with a clone and a major but no minor', () => {
    expect(tierOf(neuropathy(), kappa(), finding('vegfHigh'))).toBe('workup-recommended');
  });

  it('does not hold with a clone and minors but no major', () => {
    expect(tierOf(neuropathy(), kappa(), finding('organomegaly'), finding('skinChanges'))).toBe('workup-recommended');
  });

  it('names the criteria in the reason', () => {
    const a = run(neuropathy(), lambda(), finding('scleroticBone'), finding('organomegaly'));
    expect(a.reason).toBe('Mayo criteria met: polyneuropathy, λ monoclonal protein, sclerotic bone lesion, organomegaly');
  });
});

describe('when the tier is workup-recommended', () => {
  it('holds for a λ clone alone', () => {
    const a = run(neuropathy(), lambda());
    expect(a.tier).toBe('workup-recommended');
    expect(a.reason).toBe('λ monoclonal protein with polyneuropathy');
  });

  it('counts λ when the patient has both a λ and a κ clone', () => {
    expect(tierOf(neuropathy(), kappa(), lambda())).toBe('workup-recommended');
  });

  it('holds for an untyped clone with one minor', () => {
    const a = run(neuropathy(), untyped(), finding('organomegaly'));
    expect(a.tier).toBe('workup-recommended');
    expect(a.reason).toBe('monoclonal protein (light chain unknown) and organomegaly with polyneuropathy');
  });

  it('holds for a clone without a light-chain qualifier and one minor', () => {
    expect(tierOf(neuropathy(), untypedNoQualifier(), finding('volumeOverload'))).toBe('workup-recommended');
  });

  it.each(MAJOR_KINDS)('holds for major %s alone', (major) => {
    expect(tierOf(neuropathy(), finding(major))).toBe('workup-recommended');
  });

  it('holds for a κ clone with a major (through the major)', () => {
    expect(tierOf(neuropathy(), kappa(), finding('castleman'))).toBe('workup-recommended');
  });

  it('holds for two distinct minor criteria', () => {
    const a = run(neuropathy(), finding('thrombocytosis'), finding('organomegaly'));
    expect(a.tier).toBe('workup-recommended');
    expect(a.reason).toBe('organomegaly and thrombocytosis/polycythemia with polyneuropathy');
  });

  it('holds for a κ clone with two distinct minors', () => {
    expect(tierOf(neuropathy(), kappa(), finding('endocrinopathy'), finding('skinChanges'))).toBe('workup-recommended');
  });

  it('names VEGF in the reason', () => {
    expect(run(neuropathy(), finding('vegfHigh')).reason).toBe('VEGF elevation with polyneuropathy');
  });
});

describe('when the tier is screening-gap', () => {
  it('holds for CIDP with one minor and no immunofixation on record', () => {
    const a = run(cidp(), finding('organomegaly'));
    expect(a.tier).toBe('screening-gap');
    expect(a.reason).toBe('CIDP with organomegaly and no immunofixation on record');
  });

  it('holds when only one of several neuropathy findings carries cidp', () => {
    expect(tierOf(neuropathy(), cidp(), neuropathy(), finding('papilledema'))).toBe('screening-gap');
  });

  it('counts thrombocytosis + polycythemia as the one minor it needs', () => {
    expect(tierOf(cidp(), finding('thrombocytosis'), finding('polycythemia'))).toBe('screening-gap');
  });

  it('does not hold without the cidp qualifier', () => {
    expect(tierOf(neuropathy(), finding('organomegaly'))).toBeNull();
    expect(tierOf(finding('neuropathy', { qualifiers: { cidp: false } }), finding('organomegaly'))).toBeNull();
  });

  it('does not hold without a minor', () => {
    expect(tierOf(cidp())).toBeNull();
  });

  it('does not hold once an ifeDone finding is on record', () => {
    const a = run(cidp(), finding('organomegaly'), finding('ifeDone'));
    expect(a.tier).toBeNull();
    expect(a.reason).toBe('polyneuropathy with organomegaly only: no alert pattern');
  });

  it('does not hold when an immunofixation is on record with the κ clone (extraction records ifeDone)', () => {
    expect(tierOf(cidp(), finding('organomegaly'), kappa(), finding('ifeDone'))).toBeNull();
  });

  it('still holds when the κ clone came from elsewhere (marrow text, SPEP)', () => {
    expect(tierOf(cidp(), finding('organomegaly'), kappa({ resultKey: 'F103|BM-REPORT|1' }))).toBe('screening-gap');
    expect(tierOf(cidp(), finding('organomegaly'), kappa({ resultKey: 'F104|33358-3|1' }))).toBe('screening-gap');
  });
});

describe('when no tier holds', () => {
  it('gives none for neuropathy alone', () => {
    const a = run(neuropathy());
    expect(a.tier).toBeNull();
    expect(a.reason).toBe('polyneuropathy alone: no alert pattern');
  });

  it('gives none for neuropathy + κ clone alone (IgM-κ MGUS neuropathy)', () => {
    const a = run(neuropathy(), kappa());
    expect(a.tier).toBeNull();
    expect(a.reason).toBe('polyneuropathy with κ monoclonal protein only: no alert pattern');
  });

  it('gives none for neuropathy + κ clone + one minor (not CIDP)', () => {
    expect(tierOf(neuropathy(), kappa(), finding('organomegaly'))).toBeNull();
  });

  it('gives none for neuropathy + untyped clone alone, with or without the qualifier', () => {
    expect(tierOf(neuropathy(), untyped())).toBeNull();
    expect(tierOf(neuropathy(), untypedNoQualifier())).toBeNull();
  });

  it('gives none for thrombocytosis + polycythemia, which are one minor criterion', () => {
    expect(tierOf(neuropathy(), finding('thrombocytosis'), finding('polycythemia'))).toBeNull();
  });

  it('gives none for one minor without CIDP', () => {
    expect(tierOf(neuropathy(), finding('endocrinopathy'))).toBeNull();
  });
});

describe('when findings fall outside the lookback', () => {
  it('ignores a λ clone 37 months older than the newest finding', () => {
    expect(tierOf(neuropathy({ at: '2024-06-15T12:00:00Z' }), lambda({ at: '2021-05-15T12:00:00Z' }))).toBeNull();
  });

  it('counts a λ clone 35 months older than the newest finding', () => {
    expect(tierOf(neuropathy({ at: '2024-06-15T12:00:00Z' }), lambda({ at: '2021-07-15T12:00:00Z' }))).toBe(
      'workup-recommended',
    );
  });

  it('counts a finding exactly lookbackMonths old and ignores one a second older', () => {
    expect(tierOf(neuropathy(), lambda({ at: '2021-06-15T12:00:00Z' }))).toBe('workup-recommended');
    expect(tierOf(neuropathy(), lambda({ at: '2021-06-15T11:59:59Z' }))).toBeNull();
  });

  it('anchors on the newest finding, not on the neuropathy', () => {
    // The neuropathy is 40 months older than the newest finding, so it no longer counts.
    expect(tierOf(neuropathy({ at: '2021-02-01T00:00:00Z' }), lambda())).toBeNull();
  });

  it('clamps month ends (29 Feb 2024 − 36 months = 28 Feb 2021)', () => {
    expect(tierOf(neuropathy({ at: '2024-02-29T00:00:00Z' }), lambda({ at: '2021-02-28T00:00:00Z' }))).toBe(
      'workup-recommended',
    );
    expect(tierOf(neuropathy({ at: '2024-02-29T00:00:00Z' }), lambda({ at: '2021-02-27T23:59:59Z' }))).toBeNull();
  });

  it('uses the profile lookbackMonths', () => {
    const profile: SiteProfile = { ...DEFAULT_PROFILE, lookbackMonths: 12 };
    const findings = [neuropathy(), lambda({ at: '2023-05-15T12:00:00Z' })];
    expect(evaluate(findings, profile).tier).toBeNull();
    expect(evaluate(findings, DEFAULT_PROFILE).tier).toBe('workup-recommended');
  });

  it('lets an old ifeDone lapse, so the screening gap reopens', () => {
    expect(tierOf(cidp(), finding('organomegaly'), finding('ifeDone', { at: '2020-01-01T00:00:00Z' }))).toBe(
      'screening-gap',
    );
  });

  it('never lets a POEMS diagnosis lapse: it suppresses whatever its age', () => {
    expect(tierOf(neuropathy(), lambda(), finding('poemsKnown', { at: '2010-01-01T00:00:00Z' }))).toBeNull();
  });

  it('drops findings whose observedAt does not parse', () => {
    expect(tierOf(neuropathy(), lambda({ at: 'not a date' }))).toBeNull();
  });
});

describe('when reporting criteria met and missing', () => {
  it('lists them in Criterion order, complementing each other', () => {
    const a = run(neuropathy(), lambda(), finding('vegfHigh'), finding('polycythemia'), finding('skinChanges'));
    const expectedMet: Criterion[] = [
      'polyneuropathy',
      'monoclonalPlasmaCellDisorder',
      'vegfElevation',
      'skinChanges',
      'thrombocytosisOrPolycythemia',
    ];
    expect(a.criteriaMet).toEqual(expectedMet);
    expect(a.criteriaMissing).toEqual([
      'castleman',
      'scleroticBone',
      'organomegaly',
      'volumeOverload',
      'endocrinopathy',
      'papilledema',
    ]);
  });

  it('lists thrombocytosis and polycythemia once, as one criterion', () => {
    const a = run(neuropathy(), finding('thrombocytosis'), finding('polycythemia'));
    expect(a.criteriaMet).toEqual(['polyneuropathy', 'thrombocytosisOrPolycythemia']);
  });

  it('still reports them when no tier holds', () => {
    const a = run(neuropathy(), kappa());
    expect(a.tier).toBeNull();
    expect(a.criteriaMet).toEqual(['polyneuropathy', 'monoclonalPlasmaCellDisorder']);
    expect(a.criteriaMissing).toHaveLength(9);
  });

  it('does not count ifeDone or poemsKnown as criteria', () => {
    const a = run(neuropathy(), finding('ifeDone'));
    expect(a.criteriaMet).toEqual(['polyneuropathy']);
  });

  it('ignores findings outside the lookback', () => {
    const a = run(neuropathy(), lambda(), finding('castleman', { at: '2019-01-01T00:00:00Z' }));
    expect(a.criteriaMet).toEqual(['polyneuropathy', 'monoclonalPlasmaCellDisorder']);
  });
});

describe('when listing evidence', () => {
  it('orders contributing findings by observedAt, across time-zone offsets', () => {
    const clone = lambda({ at: '2024-03-01T10:00:00+02:00' }); // 08:00Z
    const nerve = neuropathy({ at: '2024-03-01T09:00:00Z' });
    const bone = finding('scleroticBone', { at: '2024-01-10T00:00:00Z' });
    const organ = finding('organomegaly', { at: '2024-06-01T00:00:00Z' });
    const a = run(organ, nerve, clone, bone);
    expect(a.evidence).toEqual([bone, clone, nerve, organ]);
  });

  it('includes every current finding of a contributing kind, κ clones included', () => {
    const first = neuropathy({ at: '2024-01-01T00:00:00Z' });
    const second = cidp({ at: '2024-02-01T00:00:00Z' });
    const k = kappa({ at: '2024-03-01T00:00:00Z' });
    const l = lambda({ at: '2024-04-01T00:00:00Z' });
    expect(run(l, k, second, first).evidence).toEqual([first, second, k, l]);
  });

  it('leaves out non-criterion kinds and findings outside the lookback', () => {
    const old = lambda({ at: '2019-01-01T00:00:00Z' });
    const nerve = neuropathy();
    const vegf = finding('vegfHigh');
    const ife = finding('ifeDone');
    const a = run(old, nerve, vegf, ife);
    expect(a.evidence).toEqual([nerve, vegf]);
  });

  it('keeps input order for findings observed at the same instant', () => {
    const nerve = neuropathy();
    const clone = lambda();
    expect(run(nerve, clone).evidence).toEqual([nerve, clone]);
    expect(run(clone, nerve).evidence).toEqual([clone, nerve]);
  });

  it('is empty when no tier holds', () => {
    expect(run(neuropathy(), kappa()).evidence).toEqual([]);
  });

  it('does not reorder the caller’s array', () => {
    const later = neuropathy();
    const earlier = lambda({ at: '2024-01-01T00:00:00Z' });
    const input = [later, earlier];
    run(...input);
    evaluate(input, DEFAULT_PROFILE);
    expect(input).toEqual([later, earlier]);
  });
});

describe('when suggesting work-up', () => {
  const ALL = WORKUP_ITEMS.map((i) => i.id);

  it('has the ten items of reference §6 with distinct ids', () => {
    expect(ALL).toHaveLength(10);
    expect(new Set(ALL).size).toBe(10);
  });

  it('suggests nothing when no tier holds', () => {
    expect(suggestWorkup([neuropathy()], null)).toEqual([]);
    expect(run(neuropathy()).suggestedWorkup).toEqual([]);
  });

  it('suggests everything when nothing is on record', () => {
    expect(ids(suggestWorkup([], 'workup-recommended'))).toEqual(ALL);
  });

  it('drops immunofixation once an ifeDone or clone finding exists', () => {
    expect(ids(suggestWorkup([finding('ifeDone')], 'workup-recommended'))).not.toContain('immunofixation');
    expect(ids(suggestWorkup([lambda()], 'workup-recommended'))).not.toContain('immunofixation');
  });

  it('keeps immunofixation for a screening gap, which means it is not on record', () => {
    const a = run(cidp(), finding('organomegaly'), kappa({ resultKey: 'F1|BM-REPORT|1' }));
    expect(a.tier).toBe('screening-gap');
    expect(ids(a.suggestedWorkup)).toContain('immunofixation');
  });

  it('drops VEGF once a VEGF result exists', () => {
    expect(ids(run(neuropathy(), finding('vegfHigh')).suggestedWorkup)).not.toContain('vegf');
  });

  it('drops the blood count once thrombocytosis or polycythemia exists', () => {
    expect(ids(suggestWorkup([finding('thrombocytosis')], 'workup-recommended'))).not.toContain('cbc');
    expect(ids(suggestWorkup([finding('polycythemia')], 'workup-recommended'))).not.toContain('cbc');
  });

  it('drops bone imaging once a sclerotic lesion is on record', () => {
    expect(ids(run(neuropathy(), finding('scleroticBone')).suggestedWorkup)).not.toContain('bone-imaging');
  });

  it('keeps the biopsy item without the lymph-node part once Castleman is on record', () => {
    const items = run(neuropathy(), finding('castleman')).suggestedWorkup;
    const biopsy = items.find((i) => i.id === 'biopsy');
    expect(biopsy?.text).toMatch(/Bone-marrow biopsy/);
    expect(biopsy?.text).not.toMatch(/lymph-node biopsy/);
    const without = suggestWorkup([], 'workup-recommended').find((i) => i.id === 'biopsy');
    expect(without?.text).toMatch(/lymph-node biopsy/);
  });

  it('keeps an urgent haematology referral for criteria-met, with the rest not on record', () => {
    const a = run(neuropathy(), lambda(), finding('vegfHigh'), finding('scleroticBone'), finding('thrombocytosis'));
    expect(a.tier).toBe('criteria-met');
    expect(ids(a.suggestedWorkup)).toEqual([
      'biopsy',
      'nerve-conduction-review',
      'fundoscopy',
      'endocrine-panel',
      'cardiopulmonary',
      'haematology-referral',
    ]);
    expect(a.suggestedWorkup.at(-1)?.text).toMatch(/^Urgent haematology referral/);
  });

  it('keeps a plain haematology referral for the lower tiers', () => {
    const referral = run(neuropathy(), lambda()).suggestedWorkup.find((i) => i.id === 'haematology-referral');
    expect(referral?.text).toMatch(/^Haematology referral/);
  });

  it('does not count findings outside the lookback as on record', () => {
    const a = run(neuropathy(), lambda(), finding('vegfHigh', { at: '2019-01-01T00:00:00Z' }));
    expect(ids(a.suggestedWorkup)).toContain('vegf');
  });

  it('returns fresh objects, so callers cannot alter the catalogue', () => {
    const [first] = suggestWorkup([], 'workup-recommended');
    if (first) first.text = 'changed';
    expect(suggestWorkup([], 'workup-recommended')[0]?.text).not.toBe('changed');
  });
});
