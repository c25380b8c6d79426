import { describe, expect, it } from 'vitest';
import { extract, findingsOf, msh, obr, obx, pid } from '../support/hl7-messages.js';

// Clone evidence from numbers (spec §1 `clone`): the serum FLC κ/λ ratio and the SPEP M-spike.

const RATIO = '48378-4^Kappa/Lambda free ratio^LN';
const FREE_LAMBDA = '33944-0^Lambda free light chains^LN';
const MSPIKE = '33358-3^M-spike^LN';

function order(...obxs: string[]) {
  return extract([msh(), pid(), obr({ filler: 'FLC0001^SYNTHLAB' }), ...obxs]);
}

describe('when a serum free light chain κ/λ ratio is reported', () => {
  it('reads a ratio below the lab\'s lower limit as a possible λ clone (method flc)', () => {
    expect(findingsOf(order(obx(RATIO, '0.12', { range: '0.26-1.65' })))).toEqual([expect.objectContaining({
      kind: 'clone', value: 0.12, certainty: 'possible', qualifiers: { lightChain: 'lambda', heavyChain: 'unknown', method: 'flc' },
    })]);
  });

  it('makes the λ clone definite when free λ in the same order is above its range', () => {
    const effects = order(obx(FREE_LAMBDA, '88.4', { unit: 'mg/L', range: '5.7-26.3', setId: 1 }), obx(RATIO, '0.12', { range: '0.26-1.65', setId: 2 }));
    expect(findingsOf(effects)).toMatchObject([{ kind: 'clone', certainty: 'definite', qualifiers: { lightChain: 'lambda' } }]);
  });

  it('makes it definite when free λ is flagged H, after the ratio', () => {
    const effects = order(obx(RATIO, '0.12', { range: '0.26-1.65', setId: 1 }), obx(FREE_LAMBDA, '30', { unit: 'mg/L', flag: 'H', setId: 2 }));
    expect(findingsOf(effects)).toMatchObject([{ kind: 'clone', certainty: 'definite' }]);
  });

  it('keeps it possible when free λ is within its range', () => {
    const effects = order(obx(FREE_LAMBDA, '20.1', { unit: 'mg/L', range: '5.7-26.3', setId: 1 }), obx(RATIO, '0.12', { range: '0.26-1.65', setId: 2 }));
    expect(findingsOf(effects)).toMatchObject([{ kind: 'clone', certainty: 'possible' }]);
  });

  it('reads a ratio above the lab\'s upper limit as a possible κ clone', () => {
    expect(findingsOf(order(obx(RATIO, '5.2', { range: '0.26-1.65' })))).toMatchObject([
      { kind: 'clone', certainty: 'possible', qualifiers: { lightChain: 'kappa', method: 'flc' } },
    ]);
  });

  it.each([
    ['0.20', 'lambda'],
    ['3.5', 'kappa'],
  ])('uses the profile limits 0.26 / 3.1 when OBX-7 gives none (%s → %s)', (value, lightChain) => {
    expect(findingsOf(order(obx(RATIO, value)))).toMatchObject([{ qualifiers: { lightChain } }]);
  });

  it.each(['1.0', '2.0', '0.30'])('says nothing about a ratio of %s within the limits (never a negative)', (value) => {
    const effects = order(obx(RATIO, value));
    expect(findingsOf(effects)).toEqual([]);
    expect(effects.unread).toEqual([]);
  });

  it.each(['80517-6^Kappa/Lambda ratio (nephelometry)^LN', '104546-7^Kappa/Lambda free ratio^LN'])('reads the other ratio code %s', (code) => {
    expect(findingsOf(order(obx(code, '0.1')))).toMatchObject([{ kind: 'clone', qualifiers: { lightChain: 'lambda' } }]);
  });

  it('reads SN "<^0.01" as below the limit and a decimal comma "0,12"', () => {
    expect(findingsOf(order(obx(RATIO, '<^0.01', { type: 'SN' })))).toMatchObject([{ qualifiers: { lightChain: 'lambda' } }]);
    expect(findingsOf(order(obx(RATIO, '0,12', { type: 'ST' })))).toMatchObject([{ value: 0.12, qualifiers: { lightChain: 'lambda' } }]);
  });

  it('notes a ratio that is not a number, or not above 0', () => {
    expect(order(obx(RATIO, 'see comment', { type: 'ST' })).unread.map((n) => n.reason)).toEqual(['VALUE_UNREADABLE']);
    expect(order(obx(RATIO, '0')).unread.map((n) => n.reason)).toEqual(['VALUE_IMPLAUSIBLE']);
  });

  it('keeps a free λ result on its own as a version with no finding', () => {
    expect(order(obx(FREE_LAMBDA, '88.4', { unit: 'mg/L', range: '5.7-26.3' })).results).toMatchObject([{ resultKey: 'FLC0001^SYNTHLAB|33944-0|', findings: [] }]);
  });
});

describe('when an SPEP M-spike is reported (33358-3)', () => {
  it.each([
    ['0.4', 'g/dL', 0.4],
    ['4', 'g/L', 4],
    ['0,3', 'g/dL', 0.3],
    ['^0.2', 'g/dL', 0.2],
  ])('reads %s %s as an untyped clone by SPEP', (value, unit, expected) => {
    expect(findingsOf(order(obx(MSPIKE, value, { unit, type: value.includes('^') ? 'SN' : 'NM' })))).toEqual([expect.objectContaining({
      kind: 'clone', value: expected, unit, certainty: 'definite', qualifiers: { lightChain: 'unknown', heavyChain: 'unknown', method: 'spep' },
    })]);
  });

  it.each(['0', '0.0', '<^0.1', 'Not detected', 'None', 'Negative'])('reads %j as no clone and no note', (value) => {
    const effects = order(obx(MSPIKE, value, { unit: 'g/dL', type: /^[<0-9]/.test(value) ? (value.includes('^') ? 'SN' : 'NM') : 'ST' }));
    expect(findingsOf(effects)).toEqual([]);
    expect(effects.unread).toEqual([]);
  });

  it.each(['Present', 'Trace', 'Too small to quantify'])('reads %j as a clone without a value', (value) => {
    expect(findingsOf(order(obx(MSPIKE, value, { type: 'ST' })))).toMatchObject([{ kind: 'clone', qualifiers: { method: 'spep' } }]);
  });

  it('notes a text it cannot read', () => {
    expect(order(obx(MSPIKE, 'see interpretation', { type: 'ST' })).unread).toMatchObject([{ reason: 'VALUE_UNREADABLE', kind: 'clone' }]);
  });
});
