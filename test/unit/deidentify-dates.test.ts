import { describe, expect, it } from 'vitest';
import { deidentifyBirthDate, hl7Year, offsetDaysFrom, shiftHl7Time } from '../../src/deidentify/dates.js';

describe('when HL7 dates are shifted', () => {
  it('moves a date by whole days and keeps the time of day, fraction and offset as sent', () => {
    expect(shiftHl7Time('20250301', -10)).toBe('20250219');
    expect(shiftHl7Time('20250301120000', -1)).toBe('20250228120000');
    expect(shiftHl7Time('20240301083015.1234+0215', -1)).toBe('20240229083015.1234+0215');
    expect(shiftHl7Time('202503011200', -365)).toBe('202403011200');
  });

  it('keeps the precision of a date sent to the month or the year', () => {
    expect(shiftHl7Time('202503', -10)).toBe('202503');
    expect(shiftHl7Time('202503', -20)).toBe('202502');
    expect(shiftHl7Time('2025', -100)).toBe('2025');
    expect(shiftHl7Time('2025', -200)).toBe('2024');
  });

  it('reads nothing that is not a date', () => {
    for (const raw of ['Aug 15, 1942', '0000', '19620352', '20250230', '2025030125', '']) expect(shiftHl7Time(raw, -1), raw).toBeNull();
  });

  it('reduces to the year in Safe Harbor mode', () => {
    expect(hl7Year('20250301120000+0100')).toBe('2025');
    expect(hl7Year('0000')).toBeNull();
  });

  it('draws one offset of 1 to 365 days back', () => {
    expect(offsetDaysFrom(0)).toBe(-1);
    expect(offsetDaysFrom(364)).toBe(-365);
    expect(offsetDaysFrom(365)).toBe(-1);
  });
});

describe('when a birth date is de-identified', () => {
  const at = { y: 2025, m: 3, d: 1 };

  it('is shifted with the patient’s other dates below 90', () => {
    expect(deidentifyBirthDate('19420902', { days: -10, messageTime: at, safeHarbor: false })).toEqual({ value: '19420823', grouped: false });
    expect(deidentifyBirthDate('19420902', { days: -10, messageTime: at, safeHarbor: true })).toEqual({ value: '1942', grouped: false });
  });

  it('is set so that the age is 90 at the shifted message time from 90 on', () => {
    // 92 on 2025-03-01; shifted message time 2025-02-19 → born 1935-02-19
    expect(deidentifyBirthDate('19321010', { days: -10, messageTime: at, safeHarbor: false })).toEqual({ value: '19350219', grouped: true });
    expect(deidentifyBirthDate('193210101200', { days: -10, messageTime: at, safeHarbor: false })?.value).toBe('19350219');
    expect(deidentifyBirthDate('19321010', { days: -10, messageTime: at, safeHarbor: true })).toEqual({ value: '1935', grouped: true });
    // exactly 90 on the day
    expect(deidentifyBirthDate('19350301', { days: -1, messageTime: at, safeHarbor: false })?.grouped).toBe(true);
    expect(deidentifyBirthDate('19350302', { days: -1, messageTime: at, safeHarbor: false })?.grouped).toBe(false);
  });

  it('is never the original', () => {
    // born on the day that grouping would give: moved one more day
    expect(deidentifyBirthDate('19350228', { days: -1, messageTime: at, safeHarbor: false })?.value).toBe('19350227');
  });
});
