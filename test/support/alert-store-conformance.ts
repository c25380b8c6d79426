import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.js';
import type { AlertStore } from '../../src/store/ports/alert-store.port.js';

export function alert(id: string, patientKey: string, updatedAt: string, extra: Partial<Alert> = {}): Alert {
  return {
    id, version: 1, episode: 1, notifiedTiers: ['screening-gap'], patientKey, rule: 'poems-workup', tier: 'screening-gap', status: 'open', reason: 'r',
    ruleVersion: '1.0.0', profileVersion: 'default-1', criteriaMet: [], criteriaMissing: [], evidence: [],
    suggestedWorkup: [], createdAt: updatedAt, updatedAt, history: [], ...extra,
  };
}

/** The AlertStore contract, run against every adapter. */
export function alertStoreConformance(name: string, make: () => Promise<AlertStore>): void {
  describe(`${name} honours the AlertStore contract`, () => {
    let store: AlertStore;
    beforeEach(async () => {
      store = await make();
    });

    it('stores, reads by patient and by id, and lists newest first with filters', async () => {
      await store.put(alert('a1', 'S|1', '2025-01-01T00:00:00.000Z'));
      await store.put(alert('a2', 'S|2', '2025-01-02T00:00:00.000Z', { tier: 'criteria-met', status: 'dismissed' }));
      expect((await store.get('S|1', 'poems-workup'))?.id).toBe('a1');
      expect((await store.getById('a2'))?.patientKey).toBe('S|2');
      expect((await store.list()).map((a) => a.id)).toEqual(['a2', 'a1']);
      expect((await store.list({ status: 'dismissed' })).map((a) => a.id)).toEqual(['a2']);
      expect((await store.list({ tier: 'screening-gap' })).map((a) => a.id)).toEqual(['a1']);
    });

    it('creates with compare-and-set only when the patient has no alert', async () => {
      expect(await store.replace(alert('a1', 'S|1', '2025-01-01T00:00:00.000Z'), null)).toBe(true);
      expect(await store.replace(alert('a9', 'S|1', '2025-01-01T00:00:01.000Z'), null)).toBe(false);
      expect((await store.get('S|1', 'poems-workup'))?.id).toBe('a1');
    });

    it('updates with compare-and-set only from the alert it read', async () => {
      const first = alert('a1', 'S|1', '2025-01-01T00:00:00.000Z');
      await store.put(first);
      const mine = { ...first, version: 2, tier: 'criteria-met' as const, updatedAt: '2025-01-02T00:00:00.000Z' };
      const theirs = { ...first, version: 2, status: 'acknowledged' as const, updatedAt: '2025-01-02T00:00:00.000Z' };
      expect(await store.replace(theirs, first.version)).toBe(true);
      expect(await store.replace(mine, first.version)).toBe(false); // lost the race: must re-read
      expect(await store.get('S|1', 'poems-workup')).toEqual(theirs);
      expect(await store.replace({ ...mine, version: 3 }, theirs.version)).toBe(true);
    });

    it('moves an alert to the surviving patient of a merge', async () => {
      const a = alert('a1', 'S|old', '2025-01-01T00:00:00.000Z');
      await store.put(a);
      await store.rekey(a, 'S|new');
      expect((await store.get('S|new', 'poems-workup'))?.id).toBe('a1');
      expect(await store.get('S|old', 'poems-workup')).toBeNull();
    });
  });
}
