import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxStores } from '../../src/inbox/store/inbox-stores.js';
import type { UserRecord } from '../../src/inbox/store/user.store.js';

const T0 = '2025-03-01T08:00:00.000Z';
const T1 = '2025-03-01T09:00:00.000Z';
const T2 = '2025-03-01T10:00:00.000Z';

export function userRecord(username: string, extra: Partial<UserRecord> = {}): UserRecord {
  return { username, displayName: `Dr ${username}`, role: 'clinician', providerIds: ['D100'], pools: ['neuromuscular'], disabled: false, passwordHash: 'scrypt$1$1$1$AA==$AA==', createdAt: T0, updatedAt: T0, ...extra };
}

/** The inbox store contract (users, sessions, tokens, audit, items), run against every adapter. */
export function inboxStoreConformance(name: string, make: () => Promise<InboxStores>, cleanup: () => Promise<void> = async () => {}): void {
  describe(`${name} honours the inbox store contract`, () => {
    let s: InboxStores;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(async () => {
      await s.close();
      await cleanup();
    });

    it('is ready', async () => {
      expect(await s.ready()).toBe(true);
    });

    it('adds a user once, reads it back with its hash, lists without hashes, disables and re-enables', async () => {
      expect(await s.users.add(userRecord('drneuro'))).toBe(true);
      expect(await s.users.add(userRecord('drneuro', { displayName: 'someone else' }))).toBe(false);
      await s.users.add(userRecord('auditor1', { role: 'auditor', providerIds: [], pools: [], passwordHash: null }));
      expect(await s.users.get('drneuro')).toEqual(userRecord('drneuro'));
      expect((await s.users.get('auditor1'))?.passwordHash).toBeNull();
      expect(await s.users.get('nobody')).toBeNull();
      const listed = await s.users.list();
      expect(listed.map((u) => u.username)).toEqual(['auditor1', 'drneuro']);
      expect(listed.some((u) => 'passwordHash' in u)).toBe(false);
      expect(await s.users.setDisabled('drneuro', true, T1)).toBe(true);
      expect(await s.users.get('drneuro')).toMatchObject({ disabled: true, updatedAt: T1 });
      expect(await s.users.setDisabled('drneuro', false, T2)).toBe(true);
      expect((await s.users.get('drneuro'))?.disabled).toBe(false);
      expect(await s.users.setDisabled('nobody', true, T1)).toBe(false);
      expect(await s.users.setPassword('drneuro', 'scrypt$2$2$2$BB==$BB==', T2)).toBe(true);
      expect((await s.users.get('drneuro'))?.passwordHash).toBe('scrypt$2$2$2$BB==$BB==');
    });

    it('keeps sessions by digest, touches, deletes one, all of a user, and purges expired and idle ones', async () => {
      const base = { username: 'drneuro', csrfToken: 'csrf', createdAt: T0, lastSeenAt: T0, expiresAt: '2025-03-01T20:00:00.000Z', ip: '127.0.0.1' };
      await s.sessions.create({ ...base, idDigest: 'd1' });
      await s.sessions.create({ ...base, idDigest: 'd2' });
      await s.sessions.create({ ...base, idDigest: 'd3', username: 'other', expiresAt: T1 });
      expect(await s.sessions.get('d1')).toEqual({ ...base, idDigest: 'd1' });
      await s.sessions.touch('d1', T2);
      expect((await s.sessions.get('d1'))?.lastSeenAt).toBe(T2);
      await s.sessions.delete('d1');
      expect(await s.sessions.get('d1')).toBeNull();
      await s.sessions.create({ ...base, idDigest: 'd4', lastSeenAt: T2 });
      // now T2: d3 expired (T1); d2 idle since T0 (before T1); d4 fresh
      expect(await s.sessions.purge(T2, T1)).toBe(2);
      expect(await s.sessions.get('d4')).not.toBeNull();
      expect(await s.sessions.deleteForUser('drneuro')).toBe(1);
      expect(await s.sessions.get('d4')).toBeNull();
    });

    it('keeps API tokens by id, lists by account, revokes once and records use', async () => {
      const t = { id: 'tok1', username: 'engine', label: 'interface engine', digest: 'dg', createdAt: T0, expiresAt: null, revokedAt: null, lastUsedAt: null };
      await s.tokens.add(t);
      await s.tokens.add({ ...t, id: 'tok2', username: 'other', createdAt: T1, expiresAt: T2 });
      expect(await s.tokens.get('tok1')).toEqual(t);
      expect((await s.tokens.list('engine')).map((x) => x.id)).toEqual(['tok1']);
      expect((await s.tokens.list()).map((x) => x.id)).toEqual(['tok1', 'tok2']);
      expect((await s.tokens.get('tok2'))?.expiresAt).toBe(T2);
      await s.tokens.touch('tok1', T1);
      expect((await s.tokens.get('tok1'))?.lastUsedAt).toBe(T1);
      expect(await s.tokens.revoke('tok1', T2)).toBe(true);
      expect(await s.tokens.revoke('tok1', T2)).toBe(false);
      expect((await s.tokens.get('tok1'))?.revokedAt).toBe(T2);
    });

    it('appends audit entries in order with rising sequence numbers and filters them', async () => {
      const e = { actor: 'drneuro', role: 'clinician' as const, outcome: 'ok' as const, alertVersion: 3, ip: '127.0.0.1', via: 'web' as const, detail: '' };
      const a = await s.audit.append({ ...e, at: T0, action: 'view-alert', alertId: 'A1' });
      const b = await s.audit.append({ ...e, at: T1, action: 'dismiss', alertId: 'A1', detail: 'reason=poems-excluded' });
      const c = await s.audit.append({ ...e, at: T2, action: 'login', alertId: null, alertVersion: null, actor: 'other', role: null, outcome: 'failed' });
      expect(a.seq).toBeLessThan(b.seq);
      expect(b.seq).toBeLessThan(c.seq);
      expect(await s.audit.list({ limit: 10 })).toEqual([a, b, c]);
      expect((await s.audit.list({ limit: 10, alertId: 'A1' })).map((x) => x.action)).toEqual(['view-alert', 'dismiss']);
      expect((await s.audit.list({ limit: 10, actor: 'other' })).map((x) => x.seq)).toEqual([c.seq]);
      expect((await s.audit.list({ limit: 10, from: T1, to: T2 })).map((x) => x.seq)).toEqual([b.seq]);
      expect((await s.audit.list({ limit: 1, afterSeq: a.seq })).map((x) => x.seq)).toEqual([b.seq]);
      expect((await s.audit.list({ limit: 2, newestFirst: true })).map((x) => x.seq)).toEqual([c.seq, b.seq]);
    });

    it('records an inbox item once per (alert, recipient) and finds alerts by recipient key', async () => {
      const item = { alertId: 'A1', recipient: { kind: 'attending' as const, id: 'D100' }, notificationKey: 'A1|1|screening-gap', tier: 'screening-gap' as const };
      expect(await s.items.record(item, T0)).toBe('created');
      expect(await s.items.record(item, T1)).toBe('unchanged');
      expect(await s.items.record({ ...item, notificationKey: 'A1|1|criteria-met', tier: 'criteria-met' }, T2)).toBe('updated');
      expect(await s.items.record({ ...item, recipient: { kind: 'pool', id: 'neuromuscular' } }, T1)).toBe('created');
      await s.items.record({ ...item, alertId: 'A2', recipient: { kind: 'pool', id: 'haematology' } }, T1);
      expect(await s.items.alertIdsFor(['attending:D100'])).toEqual(new Set(['A1']));
      expect(await s.items.alertIdsFor(['pool:haematology', 'pool:neuromuscular'])).toEqual(new Set(['A1', 'A2']));
      expect(await s.items.alertIdsFor([])).toEqual(new Set());
      const recipients = await s.items.recipientsOf('A1');
      expect(recipients).toHaveLength(2);
      expect(recipients[0]).toEqual({ ...item, notificationKey: 'A1|1|criteria-met', tier: 'criteria-met', firstDeliveredAt: T0, lastDeliveredAt: T2 });
    });
  });
}
