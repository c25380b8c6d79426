import { describe, expect, it } from 'vitest';
import { careTeamOf } from '../../src/domain/recipient.js';
import { DEFAULT_DELIMITERS } from '../../src/hl7/delimiters.js';
import { providerIdOf } from '../../src/extract/providers.js';
import { dg1, extract, findingsOf, msh, obr, obx, pid } from '../support/hl7-messages.js';

// Synthetic data only: providers D1001/D2002/D3003 of authority SYNTHHOSP, Dr TESTDOCTOR.

/** OBR with OBR-16 (ordering provider). */
function orderedBy(xcn: string, filler = 'FL0001^SYNTHLAB'): string {
  const f = obr({ filler }).split('|');
  while (f.length < 17) f.push('');
  f[16] = xcn;
  return f.join('|');
}

/** PV1 with PV1-7 (attending doctor). */
function pv1(xcn: string): string {
  return `PV1|1|I|WARD1^101^1||||${xcn}`;
}

const PLATELETS = obx('777-3^Platelets^LN', '650', { unit: '10*9/L' });

describe('providers read from HL7 v2 (XCN-1 and the assigning authority XCN-9)', () => {
  it('reads "<authority>|<id>", the first repetition with an id, and nothing from a name alone', () => {
    const d = DEFAULT_DELIMITERS;
    expect(providerIdOf('D1001^TESTDOCTOR^ALPHA^^^DR^^^SYNTHHOSP', d)).toBe('SYNTHHOSP|D1001');
    expect(providerIdOf('D1001^TESTDOCTOR^ALPHA^^^DR^^^&2.16.840.1.113883.19.5&ISO', d)).toBe('2.16.840.1.113883.19.5|D1001');
    expect(providerIdOf('D1001^TESTDOCTOR', d)).toBe('|D1001');
    expect(providerIdOf('^TESTDOCTOR^ALPHA~D2002^TESTDOCTOR^BETA^^^^^^SYNTHHOSP', d)).toBe('SYNTHHOSP|D2002');
    expect(providerIdOf('^TESTDOCTOR^ALPHA', d)).toBeUndefined();
    expect(providerIdOf('', d)).toBeUndefined();
  });

  it('stamps each order group\'s findings with its OBR-16 and every finding with PV1-7', () => {
    const effects = extract([
      msh(),
      pid(),
      pv1('D3003^TESTDOCTOR^GAMMA^^^^^^SYNTHHOSP'),
      orderedBy('D1001^TESTDOCTOR^ALPHA^^^^^^SYNTHHOSP', 'FL0001^SYNTHLAB'),
      PLATELETS,
      orderedBy('D2002^TESTDOCTOR^BETA^^^^^^SYNTHHOSP', 'FL0002^SYNTHLAB'),
      obx('777-3^Platelets^LN', '700', { unit: '10*9/L' }),
    ]);
    const sources = findingsOf(effects).map((f) => f.source);
    expect(sources.map((s) => [s.resultKey.split('|')[0], s.orderingProvider, s.attending])).toEqual([
      ['FL0001^SYNTHLAB', 'SYNTHHOSP|D1001', 'SYNTHHOSP|D3003'],
      ['FL0002^SYNTHLAB', 'SYNTHHOSP|D2002', 'SYNTHHOSP|D3003'],
    ]);
  });

  it('leaves the source as it was when the message names no provider', () => {
    const [finding] = findingsOf(extract([msh(), pid(), obr(), PLATELETS]));
    expect(finding?.source).toEqual({ messageControlId: 'MSG0001', sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: expect.any(String) });
  });

  it('gives a diagnosis (no order) the attending only', () => {
    const [finding] = findingsOf(extract([msh({ type: 'ADT^A08' }), pid(), pv1('D3003^^^^^^^^SYNTHHOSP'), dg1('G61.81^CIDP^I10')]));
    expect(finding?.kind).toBe('neuropathy');
    expect(finding?.source.attending).toBe('SYNTHHOSP|D3003');
    expect(finding?.source.orderingProvider).toBeUndefined();
  });
});

describe('the care team of an alert', () => {
  it('is the ordering provider and the attending of the newest evidence naming each', () => {
    const cidp = findingsOf(extract([msh({ type: 'ADT^A08', time: '20240101120000', controlId: 'A1' }), pid(), pv1('D3003^^^^^^^^SYNTHHOSP'), dg1('G61.81^CIDP^I10')]));
    const older = findingsOf(extract([msh({ time: '20250101120000', controlId: 'M1' }), pid(), orderedBy('D1001^^^^^^^^SYNTHHOSP'), obx('777-3^Platelets^LN', '650', { unit: '10*9/L' })]));
    const newer = findingsOf(extract([msh({ time: '20250301120000', controlId: 'M2' }), pid(), orderedBy('D2002^^^^^^^^SYNTHHOSP', 'FL0009^SYNTHLAB'), obx('777-3^Platelets^LN', '700', { unit: '10*9/L' })]));
    // observation times come from OBR-7 (the helper's 2025-03-01); make them differ as the messages do
    const evidence = [...cidp, { ...older[0]!, observedAt: '2025-01-01T10:00:00.000Z' }, { ...newer[0]!, observedAt: '2025-03-01T10:00:00.000Z' }];
    expect(careTeamOf({ evidence })).toEqual({ orderingProvider: 'SYNTHHOSP|D2002', attending: 'SYNTHHOSP|D3003' });
    expect(careTeamOf({ evidence: [] })).toEqual({});
  });
});
