import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { SiteProfile } from '../../src/config/profile.schema.js';
import { Assessment } from '../../src/domain/assessment.js';
import { CHRONIC_KINDS, type Certainty, type Finding, type FindingKind, type Qualifiers, type StatusClass } from '../../src/domain/finding.js';
import type { Measurement } from '../../src/domain/result.js';
import type { Timeline } from '../../src/domain/timeline.js';
import { RULE_ID, RULE_VERSION, assessTier } from '../../src/rules/poems.rule.js';
import { WORKUP_ITEMS } from '../../src/rules/workup.js';

// ---------------------------------------------------------------------------------------------
// A synthetic patient: findings and lab values, each with its own source.

const NEWEST = '2025-06-15T12:00:00.000Z';
let seq = 0;

interface Options {
  at?: string;
  last?: string;
  certainty?: Certainty;
  status?: StatusClass;
  qualifiers?: Qualifiers;
}

function finding(kind: FindingKind, o: Options = {}): Finding {
  seq += 1;
  return {
    kind,
    observedAt: o.at ?? NEWEST,
    ...(o.last ? { lastObservedAt: o.last } : {}),
    qualifiers: o.qualifiers ?? {},
    certainty: o.certainty ?? (o.status === 'preliminary' ? 'possible' : 'definite'),
    ...(o.status ? { status: o.status } : {}),
    source: { messageControlId: `MSG${seq}`, sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: `ORD${seq}^${kind}` },
  };
}

const neuropathy = (o: Options = {}): Finding => finding('neuropathy', o);
const cidp = (o: Options = {}): Finding => finding('neuropathy', { ...o, qualifiers: { cidp: true, ...o.qualifiers } });
const lambda = (o: Options = {}): Finding => finding('clone', { ...o, qualifiers: { lightChain: 'lambda', method: 'ife', ...o.qualifiers } });
const kappa = (o: Options = {}): Finding => finding('clone', { ...o, qualifiers: { lightChain: 'kappa', heavyChain: 'IgM', method: 'ife', ...o.qualifiers } });
const untyped = (o: Options = {}): Finding => finding('clone', { ...o, qualifiers: { lightChain: 'unknown', method: 'spep', ...o.qualifiers } });
const flcLambda = (o: Options = {}): Finding => finding('clone', { ...o, certainty: 'possible', qualifiers: { lightChain: 'lambda', method: 'flc' } });
const flcKappa = (o: Options = {}): Finding => finding('clone', { ...o, certainty: 'possible', qualifiers: { lightChain: 'kappa', method: 'flc' } });

function lab(kind: Measurement['kind'], observedAt: string, abnormal: boolean): Measurement {
  const value = kind === 'thrombocytosis' ? (abnormal ? 520 : 300) : kind === 'polycythemia' ? (abnormal ? 17.2 : 14.1) : abnormal ? 480 : 60;
  const unit = kind === 'thrombocytosis' ? '10*9/L' : kind === 'polycythemia' ? 'g/dL' : 'pg/mL';
  return { kind, observedAt, abnormal, value, unit };
}

/** A platelet count abnormal when `abnormal`: the finding (if abnormal) and its measurement. */
function platelets(at: string, abnormal = true): { findings: Finding[]; measurements: Measurement[] } {
  return { findings: abnormal ? [finding('thrombocytosis', { at })] : [], measurements: [lab('thrombocytosis', at, abnormal)] };
}

function timeline(findings: Finding[], measurements: Measurement[] = [], newestObservedAt: string | null = NEWEST): Timeline {
  return { patientKey: 'SYNTH|P1', findings, measurements, newestObservedAt, notes: [] };
}

const assess = (...findings: Finding[]) => assessTier(timeline(findings), DEFAULT_PROFILE);
const tierOf = (...findings: Finding[]) => assess(...findings).tier;
const withLabs = (findings: Finding[], ...counts: { findings: Finding[]; measurements: Measurement[] }[]) =>
  assessTier(timeline([...findings, ...counts.flatMap((c) => c.findings)], counts.flatMap((c) => c.measurements)), DEFAULT_PROFILE);
const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

const MAJOR_KINDS = ['vegfHigh', 'scleroticBone', 'castleman'] as const;
const MINOR_KINDS = ['organomegaly', 'volumeOverload', 'endocrinopathy', 'skinChanges', 'papilledema', 'thrombocytosis', 'polycythemia'] as const;
const SPECIFIC_MINOR_KINDS = ['skinChanges', 'papilledema', 'thrombocytosis', 'polycythemia'] as const;

describe('the rule', () => {
  it('is poems-workup version 2', () => {
    expect(RULE_ID).toBe('poems-workup');
    expect(RULE_VERSION).toBe('2.0.0');
  });

  it('stamps rule and profile versions on a schema-valid assessment', () => {
    const a = assess(neuropathy(), lambda(), finding('vegfHigh'), finding('organomegaly'));
    expect(a.ruleVersion).toBe('2.0.0');
    expect(a.profileVersion).toBe(DEFAULT_PROFILE.profileVersion);
    expect(() => Assessment.parse(a)).not.toThrow();
  });
});

describe('when there is no definite neuropathy', () => {
  it('gives no tier, whatever else is on record', () => {
    const a = assess(lambda(), finding('vegfHigh'), finding('scleroticBone'), finding('organomegaly'));
    expect(a.tier).toBeNull();
    expect(a.reason).toBe('no neuropathy on record');
    expect(a.evidence).toEqual([]);
    expect(a.suggestedWorkup).toEqual([]);
  });

  it('gives no tier for an empty timeline', () => {
    expect(assessTier(timeline([], [], null), DEFAULT_PROFILE)).toMatchObject({ tier: null, reason: 'no neuropathy on record', criteriaMet: [] });
  });

  it('gives no tier when the only neuropathy is possible (a preliminary report)', () => {
    const a = assess(cidp({ status: 'preliminary' }), lambda(), finding('vegfHigh'));
    expect(a.tier).toBeNull();
    expect(a.reason).toMatch(/no definite neuropathy/);
  });
});

describe('when POEMS is already diagnosed', () => {
  it('suppresses criteria-met, workup-recommended and screening-gap', () => {
    const known = () => finding('poemsKnown');
    expect(assess(neuropathy(), lambda(), finding('scleroticBone'), finding('organomegaly'), known())).toMatchObject({ tier: null, reason: 'POEMS syndrome already diagnosed', suggestedWorkup: [] });
    expect(tierOf(neuropathy(), lambda(), known())).toBeNull();
    expect(tierOf(cidp(), finding('organomegaly'), known())).toBeNull();
  });

  it('does not suppress on a diagnosis that is not affirmed', () => {
    expect(tierOf(neuropathy(), lambda(), finding('poemsKnown', { certainty: 'possible' }))).toBe('workup-recommended');
  });

  it('suppresses whatever the age of the diagnosis', () => {
    expect(tierOf(neuropathy(), lambda(), finding('poemsKnown', { at: '2012-01-01T00:00:00.000Z' }))).toBeNull();
  });
});

describe('criteria-met: clone (any light chain) + ≥1 major + ≥1 minor, all definite', () => {
  it.each(MAJOR_KINDS)('holds with a λ clone, major %s and a minor', (major) => {
    expect(tierOf(neuropathy(), lambda(), finding(major), finding('papilledema'))).toBe('criteria-met');
  });

  it.each(MINOR_KINDS)('holds with a λ clone, a major and minor %s', (minor) => {
    expect(tierOf(neuropathy(), lambda(), finding('castleman'), finding(minor))).toBe('criteria-met');
  });

  it('holds with a κ clone and with a clone of unknown light chain', () => {
    expect(tierOf(neuropathy(), kappa(), finding('scleroticBone'), finding('thrombocytosis'))).toBe('criteria-met');
    expect(tierOf(neuropathy(), untyped(), finding('vegfHigh'), finding('skinChanges'))).toBe('criteria-met');
    expect(tierOf(neuropathy(), finding('clone'), finding('vegfHigh'), finding('skinChanges'))).toBe('criteria-met');
  });

  it('does not hold on a possible clone (free light chain ratio): work-up instead', () => {
    expect(tierOf(neuropathy(), flcLambda(), finding('scleroticBone'), finding('organomegaly'))).toBe('workup-recommended');
  });

  it('does not hold on a possible major (blastic metastases, unknown-specimen VEGF)', () => {
    expect(tierOf(neuropathy(), kappa(), finding('scleroticBone', { certainty: 'possible' }), finding('organomegaly'))).toBe('workup-recommended');
  });

  it('does not hold on a possible minor (hedged hepatomegaly)', () => {
    expect(tierOf(neuropathy(), kappa(), finding('vegfHigh'), finding('organomegaly', { certainty: 'possible' }))).toBe('workup-recommended');
  });

  it('does not hold on a preliminary result', () => {
    expect(tierOf(neuropathy(), lambda({ status: 'preliminary' }), finding('vegfHigh'), finding('skinChanges'))).toBe('workup-recommended');
  });

  it('does not hold without a clone, without a major or without a minor', () => {
    expect(tierOf(neuropathy(), finding('vegfHigh'), finding('organomegaly'))).toBe('workup-recommended');
    expect(tierOf(neuropathy(), kappa(), finding('vegfHigh'))).toBe('workup-recommended');
    expect(tierOf(neuropathy(), kappa(), finding('skinChanges'), finding('organomegaly'))).toBe('workup-recommended');
  });

  it('names the criteria in the reason and lists them as met', () => {
    const a = assess(neuropathy(), lambda(), finding('scleroticBone'), finding('organomegaly'));
    expect(a.reason).toBe('Mayo criteria met: polyneuropathy, λ monoclonal protein, sclerotic bone lesion, organomegaly');
    expect(a.criteriaMet).toEqual(['polyneuropathy', 'monoclonalPlasmaCellDisorder', 'scleroticBone', 'organomegaly']);
    expect(a.criteriaMissing).toEqual(['castleman', 'vegfElevation', 'volumeOverload', 'endocrinopathy', 'skinChanges', 'papilledema', 'thrombocytosisOrPolycythemia']);
  });
});

describe('workup-recommended', () => {
  it('holds for a λ clone alone', () => {
    expect(assess(neuropathy(), lambda())).toMatchObject({ tier: 'workup-recommended', reason: 'λ monoclonal protein with polyneuropathy' });
  });

  it('holds for a biclonal patient (κ and λ)', () => {
    expect(tierOf(neuropathy(), kappa(), lambda())).toBe('workup-recommended');
  });

  it('holds for a possible λ clone and says the alert rests only on possible findings', () => {
    const a = assess(neuropathy(), flcLambda());
    expect(a.tier).toBe('workup-recommended');
    expect(a.reason).toMatch(/rests only on possible findings: λ monoclonal protein \(free light chain ratio\)/);
    expect(a.criteriaMet).toEqual(['polyneuropathy']);
    expect(a.evidence.map((f) => f.certainty)).toEqual(['definite', 'possible']);
  });

  it('does not call a tier possible when definite findings alone give it', () => {
    expect(assess(neuropathy(), lambda(), flcLambda()).reason).not.toMatch(/possible/);
  });

  it.each(MAJOR_KINDS)('holds for major %s alone', (major) => {
    expect(tierOf(neuropathy(), finding(major))).toBe('workup-recommended');
  });

  it.each(MAJOR_KINDS)('holds for a possible major %s, saying so', (major) => {
    const a = assess(neuropathy(), finding(major, { certainty: 'possible' }));
    expect(a.tier).toBe('workup-recommended');
    expect(a.reason).toMatch(/rests only on possible findings/);
  });

  describe('with a clone of unknown light chain (SPEP spike, D47.2, C90.x)', () => {
    it.each(['endocrinopathy', 'skinChanges', 'papilledema', 'thrombocytosis', 'polycythemia'] as const)('holds with minor %s', (minor) => {
      const a = assess(neuropathy(), untyped(), finding(minor));
      expect(a.tier).toBe('workup-recommended');
      expect(a.reason).toMatch(/^monoclonal protein \(light chain unknown\) and /);
    });

    it.each(['organomegaly', 'volumeOverload'] as const)('does not hold with %s alone (cirrhosis, heart failure)', (minor) => {
      expect(tierOf(neuropathy(), untyped(), finding(minor))).toBeNull();
    });

    it('does not hold with organomegaly and ascites together', () => {
      expect(tierOf(neuropathy(), untyped(), finding('organomegaly'), finding('volumeOverload'))).toBeNull();
    });

    it('yields to a definite typed clone: an SPEP spike beside an IgM-κ IFE is that κ clone (MGUS)', () => {
      const a = assess(neuropathy(), untyped(), kappa(), finding('endocrinopathy'));
      expect(a.tier).toBeNull();
      expect(a.reason).toBe('polyneuropathy with κ monoclonal protein and endocrinopathy only: no alert pattern');
    });

    it('does not yield to a possible typed clone (an FLC ratio alone types nothing for sure)', () => {
      expect(tierOf(neuropathy(), untyped(), flcKappa(), finding('endocrinopathy'))).toBe('workup-recommended');
    });

    it('counts an untyped clone from a coded diagnosis (D47.2) the same way', () => {
      expect(tierOf(neuropathy(), untyped({ qualifiers: { method: 'diagnosis' } }), finding('papilledema'))).toBe('workup-recommended');
    });
  });

  describe('with a κ clone (the common IgM-κ MGUS neuropathy)', () => {
    it('gives nothing alone', () => {
      expect(assess(neuropathy(), kappa())).toMatchObject({ tier: null, reason: 'polyneuropathy with κ monoclonal protein only: no alert pattern' });
    });

    it('gives nothing with one non-specific minor', () => {
      expect(tierOf(neuropathy(), kappa(), finding('endocrinopathy'))).toBeNull();
    });

    it('follows the two-minor row like any patient', () => {
      expect(tierOf(neuropathy(), kappa(), finding('skinChanges'), finding('endocrinopathy'))).toBe('workup-recommended');
      expect(tierOf(neuropathy(), kappa(), finding('organomegaly'), finding('endocrinopathy'))).toBeNull();
    });
  });

  describe('with two or more distinct minors', () => {
    it.each(SPECIFIC_MINOR_KINDS)('holds when one is specific (%s)', (specific) => {
      expect(tierOf(neuropathy(), finding(specific), finding('organomegaly'))).toBe('workup-recommended');
    });

    it('does not hold when none is specific (cirrhosis: organomegaly, ascites, hypogonadism)', () => {
      expect(tierOf(neuropathy(), finding('organomegaly'), finding('volumeOverload'), finding('endocrinopathy'))).toBeNull();
    });

    it('counts thrombocytosis and polycythemia as one minor', () => {
      expect(tierOf(neuropathy(), finding('thrombocytosis'), finding('polycythemia'))).toBeNull();
    });

    it('counts possible minors, saying so', () => {
      const a = assess(neuropathy(), finding('skinChanges', { certainty: 'possible' }), finding('organomegaly'));
      expect(a.tier).toBe('workup-recommended');
      expect(a.reason).toMatch(/rests only on possible findings: skin changes/);
    });

    it('lists every row that holds in the reason', () => {
      expect(assess(neuropathy(), lambda(), finding('vegfHigh')).reason).toBe('λ monoclonal protein; VEGF elevation with polyneuropathy');
    });
  });

  describe('CIDP with a persistent thrombocytosis or polycythemia (spec §2)', () => {
    it('holds for two abnormal platelet counts 28 days apart, the latest abnormal', () => {
      const a = withLabs([cidp()], platelets('2025-05-01T08:00:00.000Z'), platelets('2025-05-29T08:00:00.000Z'));
      expect(a.tier).toBe('workup-recommended');
      expect(a.reason).toMatch(/^persistent thrombocytosis \(2 abnormal results over 28 days, the latest abnormal\) with CIDP/);
    });

    it('counts calendar days, not 24-hour periods (late on day 0, early on day 28)', () => {
      expect(withLabs([cidp()], platelets('2025-05-01T23:00:00.000Z'), platelets('2025-05-29T01:00:00.000Z')).tier).toBe('workup-recommended');
    });

    it('does not hold 27 days apart (then CIDP + a minor without IFE is a screening gap)', () => {
      expect(withLabs([cidp()], platelets('2025-05-01T08:00:00.000Z'), platelets('2025-05-28T08:00:00.000Z')).tier).toBe('screening-gap');
      expect(withLabs([cidp(), finding('ifeDone')], platelets('2025-05-01T08:00:00.000Z'), platelets('2025-05-28T08:00:00.000Z')).tier).toBeNull();
    });

    it('does not hold when the latest count is normal', () => {
      const a = withLabs([cidp(), finding('ifeDone')], platelets('2025-01-01T08:00:00.000Z'), platelets('2025-03-01T08:00:00.000Z'), platelets('2025-04-01T08:00:00.000Z', false));
      expect(a.tier).toBeNull();
    });

    it('holds when a normal count lies between two abnormal ones and the latest is abnormal', () => {
      const a = withLabs([cidp(), finding('ifeDone')], platelets('2025-01-01T08:00:00.000Z'), platelets('2025-02-01T08:00:00.000Z', false), platelets('2025-03-01T08:00:00.000Z'));
      expect(a.tier).toBe('workup-recommended');
    });

    it('needs CIDP: a neuropathy without it and a persistent thrombocytosis gives nothing', () => {
      expect(withLabs([neuropathy(), finding('ifeDone')], platelets('2025-01-01T08:00:00.000Z'), platelets('2025-03-01T08:00:00.000Z')).tier).toBeNull();
    });

    it('counts persistence per kind: a high platelet count and a high Hb do not make each other persistent', () => {
      const hb = { findings: [finding('polycythemia', { at: '2025-03-01T08:00:00.000Z' })], measurements: [lab('polycythemia', '2025-03-01T08:00:00.000Z', true)] };
      expect(withLabs([cidp(), finding('ifeDone')], platelets('2025-01-01T08:00:00.000Z'), hb).tier).toBeNull();
    });

    it('reads polycythemia by Hb or Hct alike', () => {
      const hb = lab('polycythemia', '2025-01-10T08:00:00.000Z', true);
      const hct = { ...lab('polycythemia', '2025-02-20T08:00:00.000Z', true), value: 52, unit: '%' };
      const a = assessTier(timeline([cidp(), finding('ifeDone'), finding('polycythemia', { at: hb.observedAt }), finding('polycythemia', { at: hct.observedAt })], [hb, hct]), DEFAULT_PROFILE);
      expect(a.tier).toBe('workup-recommended');
    });

    it('reads the latest draw as abnormal when its Hct is high and its Hb normal', () => {
      const at = '2025-03-01T08:00:00.000Z';
      const ms = [lab('polycythemia', '2025-01-01T08:00:00.000Z', true), lab('polycythemia', at, false), { ...lab('polycythemia', at, true), value: 53, unit: '%' }];
      const a = assessTier(timeline([cidp(), finding('ifeDone'), finding('polycythemia', { at })], ms), DEFAULT_PROFILE);
      expect(a.tier).toBe('workup-recommended');
    });

    it('falls back to findings when there is no measurement: a thrombocytosis code re-sent two months later', () => {
      const coded = finding('thrombocytosis', { at: '2025-01-01T00:00:00.000Z', last: '2025-03-01T00:00:00.000Z', qualifiers: { matched: 'D75.839' } });
      expect(tierOf(cidp(), finding('ifeDone'), coded)).toBe('workup-recommended');
      expect(tierOf(cidp(), finding('ifeDone'), finding('thrombocytosis'))).toBeNull();
    });

    it('reads only counts inside the lookback', () => {
      const a = withLabs([cidp(), finding('ifeDone')], platelets('2021-01-01T08:00:00.000Z'), platelets('2025-06-01T08:00:00.000Z'));
      expect(a.tier).toBeNull();
    });
  });
});

describe('screening-gap: CIDP + ≥1 minor + no immunofixation', () => {
  it.each(MINOR_KINDS)('holds for CIDP with %s and no IFE', (minor) => {
    expect(tierOf(cidp(), finding(minor))).toBe('screening-gap');
  });

  it('says what is missing', () => {
    expect(assess(cidp(), finding('organomegaly')).reason).toBe('CIDP with organomegaly and no immunofixation on record');
  });

  it('does not hold once any IFE result is on record, negative or preliminary', () => {
    expect(assess(cidp(), finding('organomegaly'), finding('ifeDone'))).toMatchObject({ tier: null, reason: 'CIDP with organomegaly only: immunofixation already done, no alert pattern' });
    expect(tierOf(cidp(), finding('organomegaly'), finding('ifeDone', { status: 'preliminary' }))).toBeNull();
  });

  it('holds beside a κ clone found without IFE (marrow pathology)', () => {
    expect(tierOf(cidp(), kappa({ qualifiers: { method: 'pathology' } }), finding('volumeOverload'))).toBe('screening-gap');
  });

  it('holds for cirrhosis findings in CIDP without IFE', () => {
    expect(tierOf(cidp(), finding('organomegaly'), finding('volumeOverload'), finding('endocrinopathy'))).toBe('screening-gap');
  });

  it('holds on a possible minor, saying so', () => {
    const a = assess(cidp(), finding('organomegaly', { certainty: 'possible' }));
    expect(a.tier).toBe('screening-gap');
    expect(a.reason).toMatch(/rests only on possible findings: organomegaly/);
  });

  it('needs CIDP and a minor', () => {
    expect(tierOf(neuropathy(), finding('organomegaly'))).toBeNull();
    expect(assess(cidp())).toMatchObject({ tier: null, reason: 'CIDP alone: no alert pattern' });
  });

  it('takes CIDP from a hedged CIDP on a definite neuropathy ("possible CIDP")', () => {
    expect(tierOf(neuropathy(), cidp({ qualifiers: { matched: 'possible CIDP' } }), finding('skinChanges'))).toBe('screening-gap');
  });
});

describe('time (spec §2)', () => {
  it('never ages a chronic kind: a CIDP diagnosed in 2021 gates a 2025 λ clone', () => {
    expect(tierOf(cidp({ at: '2021-02-01T00:00:00.000Z', qualifiers: { onset: '2021-01-15' } }), lambda())).toBe('workup-recommended');
  });

  it.each(['scleroticBone', 'castleman'] as const)('never ages %s', (kind) => {
    expect(CHRONIC_KINDS.has(kind)).toBe(true);
    expect(tierOf(neuropathy({ at: '2014-01-01T00:00:00.000Z' }), finding(kind, { at: '2014-01-01T00:00:00.000Z' }), finding('organomegaly'))).toBe('workup-recommended');
  });

  it('never ages an IFE: an old negative immunofixation still closes the screening gap', () => {
    expect(tierOf(cidp(), finding('organomegaly'), finding('ifeDone', { at: '2015-01-01T00:00:00.000Z' }))).toBeNull();
  });

  it('ages the other kinds by when they were last seen, back from the newest result', () => {
    const old = '2022-06-15T11:59:59.000Z';
    expect(tierOf(neuropathy(), finding('vegfHigh', { at: old }))).toBeNull();
    expect(tierOf(neuropathy(), finding('vegfHigh', { at: '2022-06-15T12:00:00.000Z' }))).toBe('workup-recommended');
    expect(tierOf(neuropathy(), finding('vegfHigh', { at: '2019-01-01T00:00:00.000Z', last: '2024-01-01T00:00:00.000Z' }))).toBe('workup-recommended');
  });

  it('anchors on the newest result of any kind, a normal one included', () => {
    const vegf = finding('vegfHigh', { at: '2022-01-01T00:00:00.000Z' });
    expect(assessTier(timeline([neuropathy({ at: '2022-01-01T00:00:00.000Z' }), vegf], [], '2025-06-15T00:00:00.000Z'), DEFAULT_PROFILE).tier).toBeNull();
    expect(assessTier(timeline([neuropathy({ at: '2022-01-01T00:00:00.000Z' }), vegf], [], null), DEFAULT_PROFILE).tier).toBe('workup-recommended');
  });

  it('ages papilledema and effusions (not chronic)', () => {
    expect(tierOf(cidp(), finding('papilledema', { at: '2020-01-01T00:00:00.000Z' }))).toBeNull();
    expect(tierOf(cidp(), finding('volumeOverload', { at: '2020-01-01T00:00:00.000Z' }))).toBeNull();
  });

  it('uses the profile lookbackMonths', () => {
    const profile: SiteProfile = { ...DEFAULT_PROFILE, lookbackMonths: 12 };
    const f = [neuropathy(), finding('vegfHigh', { at: '2024-05-01T00:00:00.000Z' })];
    expect(assessTier(timeline(f), DEFAULT_PROFILE).tier).toBe('workup-recommended');
    expect(assessTier(timeline(f), profile).tier).toBeNull();
  });

  it('uses the profile persistenceDays', () => {
    const profile: SiteProfile = { ...DEFAULT_PROFILE, persistenceDays: 60 };
    const t = timeline([cidp(), finding('ifeDone'), finding('thrombocytosis')], [lab('thrombocytosis', '2025-04-01T00:00:00.000Z', true), lab('thrombocytosis', '2025-05-15T00:00:00.000Z', true)]);
    expect(assessTier(t, DEFAULT_PROFILE).tier).toBe('workup-recommended');
    expect(assessTier(t, profile).tier).toBeNull();
  });
});

describe('evidence', () => {
  it('lists every current finding of a criterion, oldest first, possible ones included', () => {
    const a = assess(
      finding('organomegaly', { at: '2025-03-01T00:00:00.000Z' }),
      cidp({ at: '2024-01-01T00:00:00.000Z' }),
      flcLambda({ at: '2025-02-01T00:00:00.000Z' }),
      finding('ifeDone'),
    );
    expect(a.evidence.map((f) => f.kind)).toEqual(['neuropathy', 'clone', 'organomegaly']);
  });

  it('leaves out aged-out findings', () => {
    const a = assess(neuropathy(), lambda(), finding('vegfHigh', { at: '2020-01-01T00:00:00.000Z' }));
    expect(a.evidence.map((f) => f.kind)).toEqual(['neuropathy', 'clone']);
  });
});

describe('suggested work-up (reference §6 minus what is on record)', () => {
  it('suggests every item when nothing is on record', () => {
    expect(ids(assess(neuropathy(), finding('castleman')).suggestedWorkup)).toEqual(WORKUP_ITEMS.map((i) => i.id));
  });

  it('drops immunofixation only when an IFE is on record, not because a clone is', () => {
    expect(ids(assess(neuropathy(), lambda({ qualifiers: { method: 'pathology' } })).suggestedWorkup)).toContain('immunofixation');
    expect(ids(assess(neuropathy(), lambda(), finding('ifeDone')).suggestedWorkup)).not.toContain('immunofixation');
  });

  it('drops a VEGF or a blood count on record even when normal', () => {
    const t = timeline([neuropathy(), lambda()], [lab('vegfHigh', '2025-05-01T00:00:00.000Z', false), lab('thrombocytosis', '2025-05-01T00:00:00.000Z', false)]);
    const items = ids(assessTier(t, DEFAULT_PROFILE).suggestedWorkup);
    expect(items).not.toContain('vegf');
    expect(items).not.toContain('cbc');
  });

  it('suggests a blood count again when the only one is older than the lookback', () => {
    const t = timeline([neuropathy(), lambda()], [lab('thrombocytosis', '2020-05-01T00:00:00.000Z', false)]);
    expect(ids(assessTier(t, DEFAULT_PROFILE).suggestedWorkup)).toContain('cbc');
  });

  it('drops bone imaging with a lesion on record and fundoscopy with papilledema on record', () => {
    const items = ids(assess(neuropathy(), lambda(), finding('scleroticBone'), finding('papilledema')).suggestedWorkup);
    expect(items).not.toContain('bone-imaging');
    expect(items).not.toContain('fundoscopy');
  });

  it('asks for urgent haematology review at criteria-met', () => {
    const item = assess(neuropathy(), lambda(), finding('vegfHigh'), finding('skinChanges')).suggestedWorkup.find((i) => i.id === 'haematology-referral');
    expect(item?.text).toMatch(/^Urgent haematology referral/);
  });

  it('adapts the biopsy item when Castleman disease is on record', () => {
    expect(assess(neuropathy(), finding('castleman')).suggestedWorkup.find((i) => i.id === 'biopsy')?.text).toMatch(/Castleman disease already on record/);
  });

  it('suggests nothing without a tier', () => {
    expect(assess(neuropathy(), kappa()).suggestedWorkup).toEqual([]);
  });
});

describe('issue 6 (rule version 2) as a clinician would check it', () => {
  it('a CIDP diagnosis re-sent in 2025 with a 2021 onset date still gates the alert', () => {
    const dx = cidp({ at: '2025-05-01T00:00:00.000Z', qualifiers: { onset: '2021-03-01' } });
    expect(tierOf(dx, lambda())).toBe('workup-recommended');
  });

  it('IgM-κ MGUS with a neuropathy is not a POEMS work-up', () => {
    expect(tierOf(neuropathy(), kappa(), untyped({ qualifiers: { method: 'spep' } }), untyped({ qualifiers: { method: 'diagnosis', matched: 'D47.2' } }))).toBeNull();
  });

  it('cirrhosis (hepatosplenomegaly, ascites, hypogonadism) with a neuropathy is not a POEMS work-up', () => {
    expect(tierOf(neuropathy(), finding('organomegaly'), finding('volumeOverload'), finding('endocrinopathy'))).toBeNull();
  });

  it('diabetic neuropathy with hypogonadism is not a POEMS work-up', () => {
    expect(tierOf(neuropathy({ qualifiers: { matched: 'G63' } }), finding('endocrinopathy', { qualifiers: { matched: 'E29.1' } }))).toBeNull();
  });

  it('a persistent thrombocytosis alone in CIDP is a work-up even after a negative IFE', () => {
    expect(withLabs([cidp(), finding('ifeDone')], platelets('2025-03-01T00:00:00.000Z'), platelets('2025-04-15T00:00:00.000Z')).tier).toBe('workup-recommended');
  });
});
