import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { IdentityProfile } from '../../src/config/profile-identity.schema.js';
import type { MessageEffects } from '../../src/domain/result.js';
import { SentinelError } from '../../src/errors.js';
import { extract, msh, obr, obx, pid, profileWith } from '../support/hl7-messages.js';

// Patient identity (spec §1.3). Synthetic identifiers only (I01, P0001…; authorities HOSP, LAB…).

const PLT = '777-3^Platelets^LN';

function withIdentity(identity: Partial<IdentityProfile>) {
  return profileWith({ identity: { ...DEFAULT_PROFILE.identity, ...identity } });
}

function oru(cx: string, o: { facility?: string; identity?: Partial<IdentityProfile> } = {}): MessageEffects {
  const segments = [msh(o.facility ? { facility: o.facility } : {}), pid({ cx }), obr(), obx(PLT, '512', { unit: '10*3/uL' })];
  return o.identity ? extract(segments, withIdentity(o.identity)) : extract(segments);
}

const aliasesOf = (e: MessageEffects) => e.merges.filter((m) => m.kind === 'alias').map((m) => `${m.prior} -> ${m.survivor}`);

const KEY_CASES: [string, string, { facility?: string; identity?: Partial<IdentityProfile> }, string | null, string[]][] = [
  ['an MR identifier', 'I01^^^HOSP^MR', {}, 'HOSP|I01', []],
  ['an id without authority from HOSP (MSH-4.1)', 'I01', { facility: 'HOSP' }, 'HOSP|I01', []],
  ['an id without authority, mapped from its facility', 'I01^^^^MR', { facility: 'HOSPLIS', identity: { authorityByFacility: { HOSPLIS: 'HOSP' } } }, 'HOSP|I01', []],
  ['an id without authority, mapped from the whole MSH-4', 'I01', { facility: 'HOSPLIS^1.2.3.999^ISO', identity: { authorityByFacility: { 'HOSPLIS^1.2.3.999^ISO': 'HOSP' } } }, 'HOSP|I01', []],
  ['the universal id when CX-4 has no namespace', 'I01^^^&2.16.840.1.113883.3.999&ISO^MR', {}, '2.16.840.1.113883.3.999|I01', []],
  ['the MR after a lab id, which becomes an alias', 'L77^^^LAB^PI~I01^^^HOSP^MR', {}, 'HOSP|I01', ['LAB|L77 -> HOSP|I01']],
  ['the first of two MRs, the second an alias', 'I01^^^HOSP^MR~M55^^^CLINIC^MR', {}, 'HOSP|I01', ['CLINIC|M55 -> HOSP|I01']],
  ['type MR in lower case', 'L77^^^LAB^PI~I01^^^HOSP^mr', {}, 'HOSP|I01', ['LAB|L77 -> HOSP|I01']],
  ['no MR: the authority listed first in identity.authorities', 'X9^^^OTHER^PI~I01^^^HOSP^PI', { identity: { authorities: ['HOSP'] } }, 'HOSP|I01', ['OTHER|X9 -> HOSP|I01']],
  ['no MR, no listed authority: the first not an account or visit number', 'AC1^^^HOSP^AN~V22^^^HOSP^VN~I01^^^HOSP^PI', {}, 'HOSP|I01', []],
  ['an identifier with no type is a candidate', 'AC1^^^HOSP^AN~I01^^^HOSP', {}, 'HOSP|I01', []],
  ['a placeholder 999999999 of type MR is never the key', '999999999^^^HOSP^MR~I01^^^HOSP^PI', {}, 'HOSP|I01', []],
  ['a placeholder 0000000 is never an alias', 'I01^^^HOSP^MR~0000000^^^LAB^PI', {}, 'HOSP|I01', []],
  ['a site placeholder (identity.placeholders)', 'UNKNOWN^^^HOSP^MR~I01^^^HOSP^PT', { identity: { placeholders: ['unknown'] } }, 'HOSP|I01', []],
  ['social security, licence and insurance numbers never link', 'I01^^^HOSP^MR~123456789^^^SSA^SS~D99^^^DMV^DL~INS1^^^PAYER^MC', {}, 'HOSP|I01', []],
  ['an alias type of the site (identity.aliasTypes)', 'I01^^^HOSP^MR~E5^^^EMPI^EI', { identity: { aliasTypes: ['MR', 'PI', 'PT', 'MRT', 'EI'] } }, 'HOSP|I01', ['EMPI|E5 -> HOSP|I01']],
  ['the same identifier twice is not an alias of itself', 'I01^^^HOSP^MR~I01^^^HOSP^PI', {}, 'HOSP|I01', []],
];

describe('when choosing the patient key from PID-3', () => {
  it.each(KEY_CASES)('takes %s (%s)', (_name, cx, o, key, aliases) => {
    const effects = oru(cx, o);
    expect(effects.patientKey).toBe(key);
    expect(effects.results.map((r) => r.patientKey)).toEqual([key]);
    expect(aliasesOf(effects)).toEqual(aliases);
  });

  it('makes "I01" from HOSP and "I01^^^HOSP^MR" one patient', () => {
    expect(oru('I01', { facility: 'HOSP' }).patientKey).toBe(oru('I01^^^HOSP^MR').patientKey);
  });

  it('rejects watched content when PID-3 holds only account, visit and placeholder numbers', () => {
    expect(() => oru('AC1^^^HOSP^AN~V22^^^HOSP^VN~999999^^^HOSP^MR')).toThrow(SentinelError);
  });

  it('falls back to PID-2 when PID-3 has no usable identifier', () => {
    expect(extract([msh(), 'PID|1|I01^^^HOSP|AC1^^^HOSP^AN||TESTPATIENT^DELTA', obr(), obx(PLT, '512')]).patientKey).toBe('HOSP|I01');
  });

  it('links aliases from a message with nothing else to read (ADT^A08)', () => {
    const effects = extract([msh({ type: 'ADT^A08' }), pid({ cx: 'I01^^^HOSP^MR~L77^^^LAB^PI' })]);
    expect(effects).toEqual({ patientKey: 'HOSP|I01', results: [], merges: [{ prior: 'LAB|L77', survivor: 'HOSP|I01', kind: 'alias' }], unread: [] });
  });
});

describe('when a merge names its prior identifier (MRG-1)', () => {
  it('chooses the prior key by the same rules: MR first, placeholders skipped', () => {
    const effects = extract([msh({ type: 'ADT^A40' }), 'EVN|A40|20250301120000', pid({ cx: 'I01^^^HOSP^MR' }), 'MRG|AC9^^^HOSP^AN~999999999^^^HOSP^MR~OLD1^^^HOSP^MR']);
    expect(effects.merges).toEqual([{ prior: 'HOSP|OLD1', survivor: 'HOSP|I01', kind: 'merge' }]);
  });

  it('gives a prior without authority the mapped authority of the sender', () => {
    const site = withIdentity({ authorityByFacility: { SYNTHLAB: 'HOSP' } });
    const effects = extract([msh({ type: 'ADT^A40' }), pid({ cx: 'I01^^^HOSP^MR' }), 'MRG|OLD1'], site);
    expect(effects.merges).toEqual([{ prior: 'HOSP|OLD1', survivor: 'HOSP|I01', kind: 'merge' }]);
  });

  it('links the survivor\'s aliases as well as the merge', () => {
    const effects = extract([msh({ type: 'ADT^A40' }), pid({ cx: 'I01^^^HOSP^MR~L77^^^LAB^PI' }), 'MRG|OLD1^^^HOSP^MR']);
    expect(effects.merges).toEqual([
      { prior: 'LAB|L77', survivor: 'HOSP|I01', kind: 'alias' },
      { prior: 'HOSP|OLD1', survivor: 'HOSP|I01', kind: 'merge' },
    ]);
  });
});
