import { beforeEach, describe, expect, it } from 'vitest';
import type { Certainty, Finding, FindingKind } from '../../src/domain/finding.js';
import type { MessageEffects, ResultVersion } from '../../src/domain/result.js';
import type { TimelineStore } from '../../src/store/ports/timeline-store.port.js';

/** Builds a result version with at most one finding (none for D/W/X-like removals). */
export function version(patientKey: string, resultKey: string, messageTime: string, kind: FindingKind | null, status = 'F'): ResultVersion {
  const findings: Finding[] = kind === null ? [] : [{
    kind,
    observedAt: messageTime,
    qualifiers: {},
    certainty: 'definite',
    source: { messageControlId: `m-${messageTime}`, sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey },
  }];
  const removes = status === 'D' || status === 'W' || status === 'X';
  return { patientKey, resultKey, status, statusClass: 'final', effect: removes ? 'remove' : 'replace', messageTime, observedAt: messageTime, findings, notes: [] };
}

/** The version as a preliminary (P): its findings possible, `asRead` their certainty as read. */
export function preliminary(v: ResultVersion, asRead: Certainty = 'definite'): ResultVersion {
  return {
    ...v,
    status: 'P',
    statusClass: 'preliminary',
    findings: v.findings.map((f) => ({ ...f, certainty: 'possible', status: 'preliminary' })),
    certaintyAsRead: v.findings.map(() => asRead),
  };
}

/** U: makes the stored version of `resultKey` final without changing it. */
export function finalize(patientKey: string, resultKey: string, messageTime: string): ResultVersion {
  return { patientKey, resultKey, status: 'U', statusClass: 'final', effect: 'finalize', messageTime, observedAt: messageTime, findings: [], notes: [] };
}

export function effects(patientKey: string, ...results: ResultVersion[]): MessageEffects {
  return { patientKey, results, merges: [], unread: [] };
}

const T1 = '2025-01-01T10:00:00.000Z';
const T2 = '2025-01-02T10:00:00.000Z';
const T3 = '2025-01-03T10:00:00.000Z';
const kinds = async (store: TimelineStore, p: string): Promise<string[]> => (await store.timeline(p)).findings.map((f) => f.kind).sort();

/**
 * The TimelineStore contract (spec §2), run against every adapter. `make` returns a fresh,
 * empty store; `flush` makes writes durable where the adapter batches them.
 */
export function timelineConformance(name: string, make: () => Promise<TimelineStore>): void {
  describe(`${name} honours the TimelineStore contract`, () => {
    let store: TimelineStore;
    beforeEach(async () => {
      store = await make();
    });

    it('applies a message once (same MSH-10 from the same facility)', async () => {
      const first = await store.apply({ sendingFacility: 'LAB', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, 'thrombocytosis')));
      const again = await store.apply({ sendingFacility: 'LAB', controlId: '1' }, effects('A|1', version('A|1', 'r2', T1, 'vegfHigh')));
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.patients).toEqual(['A|1']);
      expect(await kinds(store, 'A|1')).toEqual(['thrombocytosis']);
    });

    it('treats the same MSH-10 from another facility as another message', async () => {
      await store.apply({ sendingFacility: 'LAB', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, 'thrombocytosis')));
      const other = await store.apply({ sendingFacility: 'RAD', controlId: '1' }, effects('A|1', version('A|1', 'r2', T1, 'scleroticBone')));
      expect(other.duplicate).toBe(false);
      expect(await kinds(store, 'A|1')).toEqual(['scleroticBone', 'thrombocytosis']);
    });

    it('lets a correction replace the earlier value of a result', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, 'thrombocytosis')));
      const corrected = await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'r1', T2, null, 'C')));
      expect(corrected.patients).toEqual(['A|1']);
      expect(await kinds(store, 'A|1')).toEqual([]);
    });

    it('removes a finding on deletion and keeps it removed when the older original arrives late', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'r1', T2, null, 'D')));
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, 'thrombocytosis')));
      expect(await kinds(store, 'A|1')).toEqual([]);
    });

    it('keeps the later correction when it arrives before the original (out of order)', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'r1', T2, 'vegfHigh', 'C')));
      const late = await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, null)));
      expect(late.patients).toEqual([]);
      expect(await kinds(store, 'A|1')).toEqual(['vegfHigh']);
    });

    it('writes a storeIfNew=false version only over an earlier one (a final report that names nothing)', async () => {
      const fresh = { ...version('A|1', 'rep', T1, null), storeIfNew: false };
      expect((await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', fresh))).patients).toEqual([]);
      await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|2', version('A|2', 'rep', T1, 'castleman', 'P')));
      const final = { ...version('A|2', 'rep', T2, null), storeIfNew: false };
      expect((await store.apply({ sendingFacility: 'L', controlId: '3' }, effects('A|2', final))).patients).toEqual(['A|2']);
      expect(await kinds(store, 'A|2')).toEqual([]);
    });

    it('reports no change for a version that changes nothing', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, 'castleman')));
      const again = await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'r1', T1, 'castleman')));
      expect(again.patients).toEqual([]);
      const tombstone = await store.apply({ sendingFacility: 'L', controlId: '3' }, effects('A|1', version('A|1', 'r2', T1, null, 'D')));
      expect(tombstone.patients).toEqual([]);
    });

    it('re-evaluates on a result that names nothing only when findings are on record (its time moves the ageing anchor)', async () => {
      const alone = await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, null)));
      expect(alone.patients).toEqual([]);
      expect((await store.timeline('A|1')).newestObservedAt).toBe(T1);
      await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'dx', T1, 'neuropathy')));
      const later = await store.apply({ sendingFacility: 'L', controlId: '3' }, effects('A|1', version('A|1', 'r2', T3, null)));
      expect(later.patients).toEqual(['A|1']);
      expect((await store.timeline('A|1')).newestObservedAt).toBe(T3);
    });

    it('moves findings on a merge and follows the merge for later messages', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|old', version('A|old', 'r1', T1, 'castleman')));
      await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|new', version('A|new', 'r2', T1, 'neuropathy')));
      const merged = await store.apply({ sendingFacility: 'ADT', controlId: '3' }, { patientKey: 'A|new', results: [], merges: [{ prior: 'A|old', survivor: 'A|new', kind: 'merge' }], unread: [] });
      expect(merged.merges).toEqual([{ prior: 'A|old', survivor: 'A|new' }]);
      expect(merged.patients).toEqual(['A|new']);
      expect(await kinds(store, 'A|new')).toEqual(['castleman', 'neuropathy']);
      expect(await store.resolve('A|old')).toBe('A|new');
      await store.apply({ sendingFacility: 'L', controlId: '4' }, effects('A|old', version('A|old', 'r4', T3, 'vegfHigh')));
      expect(await kinds(store, 'A|new')).toEqual(['castleman', 'neuropathy', 'vegfHigh']);
    });

    it('keeps the newer version of a result both identifiers hold when merging', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|old', version('A|old', 'dx', T2, 'castleman')));
      await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|new', version('A|new', 'dx', T1, null)));
      await store.apply({ sendingFacility: 'ADT', controlId: '3' }, { patientKey: 'A|new', results: [], merges: [{ prior: 'A|old', survivor: 'A|new', kind: 'merge' }], unread: [] });
      expect(await kinds(store, 'A|new')).toEqual(['castleman']);
    });

    it('lets a final version outrank a preliminary one whatever their times (spec §2 v2)', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r1', T1, 'thrombocytosis')));
      const late = await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', preliminary(version('A|1', 'r1', T2, null))));
      expect(late.patients).toEqual([]);
      expect(await kinds(store, 'A|1')).toEqual(['thrombocytosis']);
      await store.apply({ sendingFacility: 'L', controlId: '3' }, effects('A|2', preliminary(version('A|2', 'r1', T2, 'vegfHigh'))));
      const [possible] = (await store.timeline('A|2')).findings;
      expect(possible).toMatchObject({ kind: 'vegfHigh', certainty: 'possible', status: 'preliminary' });
      const final = await store.apply({ sendingFacility: 'L', controlId: '4' }, effects('A|2', version('A|2', 'r1', T1, null)));
      expect(final.patients).toEqual(['A|2']);
      expect(await kinds(store, 'A|2')).toEqual([]);
    });

    it('finalizes a preliminary on U, restoring the certainty as read (a hedge stays possible)', async () => {
      const hedged = preliminary(version('A|1', 'r1', T1, 'castleman'), 'possible');
      const plain = preliminary(version('A|1', 'r2', T1, 'scleroticBone'));
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', hedged, plain));
      const u = await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', finalize('A|1', 'r1', T2), finalize('A|1', 'r2', T2), finalize('A|1', 'none', T2)));
      expect(u.patients).toEqual(['A|1']);
      const byKind = Object.fromEntries((await store.timeline('A|1')).findings.map((f) => [f.kind, f]));
      expect(byKind.castleman).toMatchObject({ certainty: 'possible' });
      expect(byKind.scleroticBone).toMatchObject({ certainty: 'definite' });
      expect(byKind.scleroticBone?.status).toBeUndefined();
      expect((await store.timeline('A|1')).findings).toHaveLength(2);
    });

    it('applies a reused control id with other content, once (spec §2: restarted counters)', async () => {
      const first = await store.apply({ sendingFacility: 'L', controlId: '1', contentHash: 'h1' }, effects('A|1', version('A|1', 'r1', T1, 'castleman')));
      const reused = await store.apply({ sendingFacility: 'L', controlId: '1', contentHash: 'h2' }, effects('A|1', version('A|1', 'r2', T1, 'neuropathy')));
      const again = await store.apply({ sendingFacility: 'L', controlId: '1', contentHash: 'h2' }, effects('A|1', version('A|1', 'r2', T1, 'neuropathy')));
      const same = await store.apply({ sendingFacility: 'L', controlId: '1', contentHash: 'h1' }, effects('A|1', version('A|1', 'r1', T1, 'castleman')));
      expect([first, reused, again, same].map((r) => [r.duplicate, r.controlIdReused])).toEqual([[false, false], [false, true], [true, false], [true, false]]);
      expect(await kinds(store, 'A|1')).toEqual(['castleman', 'neuropathy']);
    });

    it('keeps every measurement, normal ones too, with the notes and the newest observation', async () => {
      const high = { ...version('A|1', 'plt1', T1, 'thrombocytosis'), measurement: { kind: 'thrombocytosis' as const, observedAt: T1, abnormal: true, value: 520, unit: '10*9/L' } };
      const normal = { ...version('A|1', 'plt2', T3, null), measurement: { kind: 'thrombocytosis' as const, observedAt: T3, abnormal: false, value: 300, unit: '10*9/L' } };
      const note = { reason: 'UNIT_UNKNOWN' as const, kind: 'vegfHigh' as const, text: '480 mg', observedAt: T2, source: { messageControlId: 'm', sendingFacility: 'L', segment: 'OBX[1]', resultKey: 'v1' } };
      const unread = { ...version('A|1', 'v1', T2, null), notes: [note] };
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', high, normal, unread));
      const t = await store.timeline('A|1');
      expect(t.measurements.map((m) => m.value).sort()).toEqual([300, 520]);
      expect(t.notes).toEqual([note]);
      expect(t.newestObservedAt).toBe(T3);
      const deleted = await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'plt2', T3, null, 'D')));
      expect(deleted.patients).toEqual(['A|1']);
      expect((await store.timeline('A|1')).measurements.map((m) => m.value)).toEqual([520]);
      expect((await store.timeline('A|1')).newestObservedAt).toBe(T2);
    });

    it('flattens merge chains (a → b, then b → c)', async () => {
      await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|a', version('A|a', 'r1', T1, 'castleman')));
      await store.apply({ sendingFacility: 'ADT', controlId: '2' }, { patientKey: 'A|b', results: [], merges: [{ prior: 'A|a', survivor: 'A|b', kind: 'merge' }], unread: [] });
      await store.apply({ sendingFacility: 'ADT', controlId: '3' }, { patientKey: 'A|c', results: [], merges: [{ prior: 'A|b', survivor: 'A|c', kind: 'merge' }], unread: [] });
      expect(await store.resolve('A|a')).toBe('A|c');
      expect(await kinds(store, 'A|c')).toEqual(['castleman']);
    });
  });
}
