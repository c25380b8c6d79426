import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateProfile } from '../../src/config/load-profile.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { normaliseUnit } from '../../src/extract/units.js';
import { extract, findingsOf, msh, obr, obx, pid, dg1 } from '../support/hl7-messages.js';

// The values/codes/identity parts of the site profile: a site extends them without repeating the defaults.

const SITE = `
profileVersion: st-example-2026-11
labs:
  platelets:
    units: { 'Tsd/µl': 1 }
diagnosisCodes:
  poemsKnown: { other: { SKS: ['ZM973A3'] } }
  neuropathy: { icd10: ['G63.x'] }
identity:
  authorityByFacility: { LABSYS: HOSP }
`;

describe('when a site profile extends the value, code and identity defaults', () => {
  const result = validateProfile(parseYaml(SITE));
  const profile = result.profile === null ? null : compileProfile(result.profile);

  it('validates and keeps the built-in unit spellings beside its own', () => {
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.profile?.labs.platelets.units ?? {})).toEqual(expect.arrayContaining(['10*3/uL', 'Tsd/µl']));
  });

  it('reads the lab\'s own unit spelling', () => {
    if (!profile) throw new Error('invalid');
    const effects = extract([msh(), pid(), obr(), obx('777-3^Platelets^LN', '512', { unit: 'Tsd/µl' })], profile);
    expect(findingsOf(effects)).toMatchObject([{ kind: 'thrombocytosis', value: 512 }]);
  });

  it('reads its own codes: a national POEMS code, and G63.x replacing the neuropathy list', () => {
    if (!profile) throw new Error('invalid');
    const kinds = (code: string) => findingsOf(extract([msh({ type: 'ADT^A08' }), pid(), dg1(code)], profile)).map((f) => f.kind);
    expect(kinds('ZM973A3^POEMS^SKS')).toEqual(['poemsKnown']);
    expect(kinds('G63.2^Diabetic polyneuropathy^I10')).toEqual(['neuropathy']);
    // the list replaced the default one; the CIDP list still makes G61.81 a neuropathy
    expect(kinds('G62.9^Polyneuropathy^I10')).toEqual([]);
    expect(kinds('G61.81^CIDP^I10')).toEqual(['neuropathy']);
  });

  it('maps an authority-less identifier of its lab system', () => {
    if (!profile) throw new Error('invalid');
    expect(extract([msh({ facility: 'LABSYS' }), pid({ cx: 'I01' }), obr(), obx('777-3^Platelets^LN', '512')], profile).patientKey).toBe('HOSP|I01');
  });
});

describe('when a site profile is wrong', () => {
  it('reports a default or band unit that is not in the unit table, and a malformed code', () => {
    const { problems } = validateProfile(parseYaml(`
profileVersion: bad-1
labs:
  hemoglobin: { defaultUnit: 'g/deciliter', unitFromRange: [{ unit: 'mg/dL', upperFrom: 1, upperTo: 2 }] }
diagnosisCodes:
  clone: { icd10: ['D47.2;C90'] }
`));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['labs.hemoglobin.defaultUnit', 'labs.hemoglobin.unitFromRange.0.unit', 'diagnosisCodes.clone.icd10.0']));
  });
});

describe('when a unit spelling is normalised', () => {
  it.each([
    ['10^3/µL', '10*3/ul'],
    ['x10(9)/L', '10*9/l'],
    ['×10⁹/L', '10*9/l'],
    ['10E3/uL', '10*3/ul'],
    ['10**9/L', '10*9/l'],
    ['X 10 ^ 9 / L', '10*9/l'],
    ['K/mcL', 'k/ul'],
    ['thou/mm³', 'thou/mm3'],
    ['mcg/L', 'ug/l'],
    ['1000/uL', '1000/ul'],
  ])('reads %j as %j', (raw, normal) => {
    expect(normaliseUnit(raw)).toBe(normal);
  });
});
