import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresInboxStores } from '../../src/inbox/store/postgres/pg-inbox.stores.js';
import type { InboxStores } from '../../src/inbox/store/inbox-stores.js';
import { sqliteInboxStores } from '../../src/inbox/store/sqlite/sqlite-inbox.stores.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import type { AlertStore } from '../../src/store/timeline-store.js';
import { cookiesOf, encode, FORM, inboxHarness, login, OTHER, PASSWORD, ROUTED, type Harness } from '../support/inbox-harness.js';
import { postgresService } from '../support/services.js';

const postgres = await postgresService();

interface Backend {
  name: string;
  available: boolean;
  open(): Promise<{ stores: InboxStores; alerts: AlertStore; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    available: true,
    open: async () => {
      const db = new SqliteDatabase(':memory:');
      return { stores: sqliteInboxStores(db), alerts: new SqliteAlertStore(db), close: () => db.close() };
    },
  },
  {
    name: 'PostgreSQL',
    available: postgres.available,
    open: async () => {
      // the inbox state in PostgreSQL; the alerts stay in the service's own store (SQLite here, Redis in production)
      const schema = `test_inbox_api_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const stores = await postgresInboxStores({ connectionString: postgres.url, schema });
      const db = new SqliteDatabase(':memory:');
      return {
        stores,
        alerts: new SqliteAlertStore(db),
        close: async () => {
          await stores.close();
          await db.close();
          const client = new pg.Client({ connectionString: postgres.url });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the inbox API with ${backend.name} stores`, () => {
    let h: Harness;
    let close: () => Promise<void>;

    beforeEach(async () => {
      const opened = await backend.open();
      close = opened.close;
      h = await inboxHarness(opened.stores, opened.alerts);
    });
    afterEach(async () => {
      await h.app.close();
      await close();
    });

    const audit = async (): Promise<{ actor: string; action: string; outcome: string; alertId: string | null; alertVersion: number | null; via: string; ip: string | null; detail: string }[]> => h.stores.audit.list({ limit: 1_000 });

    describe('when nobody is signed in', () => {
      it('sends a page request to the login form and answers an API call 401 with problem details', async () => {
        const page = await h.app.inject({ method: 'GET', url: `/alerts/${ROUTED.id}`, headers: { accept: 'text/html' } });
        expect(page.statusCode).toBe(303);
        expect(page.headers.location).toBe(`/login?next=${encodeURIComponent(`/alerts/${ROUTED.id}`)}`);
        const api = await h.app.inject({ method: 'GET', url: '/api/alerts' });
        expect(api.statusCode).toBe(401);
        expect(api.headers['content-type']).toContain('application/problem+json');
        expect(api.json()).toMatchObject({ status: 401, code: 'INBOX_UNAUTHENTICATED', type: 'urn:poems-sentinel:problem:INBOX_UNAUTHENTICATED' });
        expect(api.headers['www-authenticate']).toContain('Bearer');
      });

      it('serves the OpenAPI 3.1 document and the stylesheet', async () => {
        const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
        expect(doc.openapi).toBe('3.1.0');
        expect(Object.keys(doc.paths)).toEqual(['/api/me', '/api/alerts', '/api/alerts/{id}', '/api/alerts/{id}/actions', '/api/audit']);
        expect(doc.components.schemas.Alert.required).toEqual(expect.arrayContaining(['id', 'patientKey', 'tier', 'status', 'evidence', 'history']));
        const css = await h.app.inject({ method: 'GET', url: '/assets/inbox.css' });
        expect(css.headers['content-type']).toContain('text/css');
      });

      it('answers an unknown page 404 and never shows a stack', async () => {
        const res = await h.app.inject({ method: 'GET', url: '/nowhere', headers: { accept: 'text/html' } });
        expect(res.statusCode).toBe(404);
        expect(res.body).toContain('INBOX_NOT_FOUND');
        expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
      });
    });

    describe('when a clinician logs in', () => {
      it('sets an HttpOnly, SameSite=Strict session cookie whose id is stored only as a digest, and audits it', async () => {
        const { res, session } = await login(h.app, 'drneuro');
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe('/alerts');
        const setCookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('sentinel_session='));
        expect(setCookie).toMatch(/HttpOnly/);
        expect(setCookie).toMatch(/SameSite=Strict/);
        expect(setCookie).not.toMatch(/Secure/);
        const id = session?.cookie.split('=')[1] ?? '';
        expect(await h.stores.sessions.get(id)).toBeNull();
        expect((await audit()).filter((e) => e.action === 'login')).toMatchObject([{ actor: 'drneuro', outcome: 'ok', ip: '127.0.0.1' }]);
      });

      it('refuses a wrong password and a login form without its CSRF cookie, auditing the failure', async () => {
        const wrong = await login(h.app, 'drneuro', 'not the password at all');
        expect(wrong.res.statusCode).toBe(401);
        expect(wrong.res.body).toContain('Wrong account name or password');
        const forged = await h.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': FORM }, payload: encode({ username: 'drneuro', password: PASSWORD }) });
        expect(forged.statusCode).toBe(403);
        expect(cookiesOf(forged).get('sentinel_session')).toBeUndefined();
        expect((await audit()).filter((e) => e.action === 'login')).toMatchObject([{ actor: 'drneuro', outcome: 'failed', detail: 'wrong password' }]);
      });

      it('lists only the alerts routed to them, by tier, and audits the view', async () => {
        const { session } = await login(h.app, 'drneuro');
        const page = await h.app.inject({ method: 'GET', url: '/alerts', headers: { cookie: session?.cookie } });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(ROUTED.patientKey);
        expect(page.body).not.toContain(OTHER.patientKey);
        const api = await h.app.inject({ method: 'GET', url: '/api/alerts?status=all', headers: { cookie: session?.cookie } });
        expect(api.json().alerts.map((r: { alert: { id: string } }) => r.alert.id)).toEqual([ROUTED.id]);
        // the first is the home page the login lands on
        expect((await audit()).filter((e) => e.action === 'list-alerts').map((e) => [e.actor, e.via, e.detail])).toEqual([
          ['drneuro', 'web', 'status=needs-action shown=1'],
          ['drneuro', 'web', 'status=needs-action shown=1'],
          ['drneuro', 'web', 'status=all shown=1'],
        ]);
      });

      it('shows one alert with its evidence table, missing criteria, work-up and history, and audits the version viewed', async () => {
        const { session } = await login(h.app, 'drneuro');
        const res = await h.app.inject({ method: 'GET', url: `/alerts/${ROUTED.id}`, headers: { cookie: session?.cookie } });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('<caption>Evidence: each criterion met with its value, unit, date and source message</caption>');
        expect(res.body).toMatch(/<td>VEGF elevation<\/td><td>850<\/td><td>pg\/mL<\/td><td class="num">2025-02-05<\/td><td>SYNTHLAB MSG0003 OBX\[1\]<\/td>/);
        expect(res.body).toContain('sclerotic bone lesion');
        expect(res.body).toContain('Low-dose whole-body CT');
        expect(res.body).not.toMatch(/<script/i);
        expect((await audit()).filter((e) => e.action === 'view-alert')).toMatchObject([{ actor: 'drneuro', outcome: 'ok', alertId: ROUTED.id, alertVersion: 3 }]);
      });

      it('refuses an alert routed to someone else (403, audited as denied)', async () => {
        const { session } = await login(h.app, 'drneuro');
        const res = await h.app.inject({ method: 'GET', url: `/api/alerts/${OTHER.id}`, headers: { cookie: session?.cookie } });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('INBOX_FORBIDDEN');
        expect((await audit()).filter((e) => e.action === 'view-alert')).toMatchObject([{ outcome: 'denied', alertId: OTHER.id }]);
      });

      it('dismisses with a coded reason through the form only with the CSRF token, recording who and when', async () => {
        const { session } = await login(h.app, 'drneuro');
        const fields = { kind: 'dismiss', version: '3', reason: 'poems-excluded', note: 'marrow normal' };
        const forged = await h.app.inject({ method: 'POST', url: `/alerts/${ROUTED.id}/actions`, headers: { cookie: session?.cookie, 'content-type': FORM, accept: 'text/html' }, payload: encode(fields) });
        expect(forged.statusCode).toBe(403);
        expect(forged.body).toContain('INBOX_CSRF');
        expect((await h.alerts.getById(ROUTED.id))?.status).toBe('open');

        const res = await h.app.inject({ method: 'POST', url: `/alerts/${ROUTED.id}/actions`, headers: { cookie: session?.cookie, 'content-type': FORM }, payload: encode({ ...fields, _csrf: session?.csrf ?? '' }) });
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe(`/alerts/${ROUTED.id}?done=dismiss`);
        expect(await h.alerts.getById(ROUTED.id)).toMatchObject({ status: 'dismissed', version: 4, dismissal: { reason: 'poems-excluded', by: 'drneuro', at: '2025-02-05T09:01:00.000Z' } });
        const after = await h.app.inject({ method: 'GET', url: String(res.headers.location), headers: { cookie: session?.cookie } });
        expect(after.body).toContain('Dismissed.');
        expect((await audit()).filter((e) => e.action === 'dismiss').map((e) => [e.outcome, e.alertVersion, e.detail])).toEqual([
          ['denied', null, 'CSRF token missing or wrong'],
          ['ok', 3, 'version=4 reason=poems-excluded note given dwell=3600s'],
        ]);
        expect(await h.registry.metrics()).toContain('poems_sentinel_inbox_actions_total{action="dismiss",rule_version="2.0",via="web"} 1');
      });

      it('refuses an action on a version the rule has changed since (409), recording nothing on the alert', async () => {
        const { session } = await login(h.app, 'drneuro');
        await h.alerts.put({ ...ROUTED, version: 4, tier: 'criteria-met' });
        const res = await h.app.inject({ method: 'POST', url: `/api/alerts/${ROUTED.id}/actions`, headers: { cookie: session?.cookie, 'x-csrf-token': session?.csrf }, payload: { kind: 'acknowledge', version: 3 } });
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe('INBOX_ALERT_CHANGED');
        expect((await h.alerts.getById(ROUTED.id))?.status).toBe('open');
        const page = await h.app.inject({ method: 'POST', url: `/alerts/${ROUTED.id}/actions`, headers: { cookie: session?.cookie, 'content-type': FORM }, payload: encode({ kind: 'acknowledge', version: '3', _csrf: session?.csrf ?? '' }) });
        expect(page.statusCode).toBe(409);
        expect(page.body).toContain('the alert changed since you opened it');
      });

      it('refuses a cookie-authenticated API write without X-CSRF-Token, and validates the body', async () => {
        const { session } = await login(h.app, 'drneuro');
        const noToken = await h.app.inject({ method: 'POST', url: `/api/alerts/${ROUTED.id}/actions`, headers: { cookie: session?.cookie }, payload: { kind: 'acknowledge', version: 3 } });
        expect(noToken.statusCode).toBe(403);
        expect(noToken.json().code).toBe('INBOX_CSRF');
        const bad = await h.app.inject({ method: 'POST', url: `/api/alerts/${ROUTED.id}/actions`, headers: { cookie: session?.cookie, 'x-csrf-token': session?.csrf }, payload: { kind: 'dismiss', version: 3, reason: 'bored' } });
        expect(bad.statusCode).toBe(400);
        expect(bad.json()).toMatchObject({ code: 'INBOX_BAD_REQUEST', errors: [{ path: 'reason' }] });
        expect(bad.body).not.toContain('bored');
      });

      it('logs out (CSRF-checked): the session no longer works', async () => {
        const { session } = await login(h.app, 'drneuro');
        const out = await h.app.inject({ method: 'POST', url: '/logout', headers: { cookie: session?.cookie, 'content-type': FORM }, payload: encode({ _csrf: session?.csrf ?? '' }) });
        expect(out.statusCode).toBe(303);
        expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session?.cookie } })).statusCode).toBe(401);
      });

      it('ends a session idle longer than the idle timeout', async () => {
        const { session } = await login(h.app, 'drneuro');
        h.now.value = new Date(h.now.value.getTime() + 31 * 60_000);
        expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session?.cookie } })).statusCode).toBe(401);
      });
    });

    describe('when logins are hammered', () => {
      it('locks an account after five failures for the window, even for the right password', async () => {
        for (let i = 0; i < 5; i += 1) expect((await login(h.app, 'drneuro', 'wrong password here')).res.statusCode).toBe(401);
        const locked = await login(h.app, 'drneuro');
        expect(locked.res.statusCode).toBe(429);
        expect(Number(locked.res.headers['retry-after'])).toBeGreaterThan(0);
        // another account from another address is not affected
        expect((await login(h.app, 'reviewer1', PASSWORD, '10.0.0.9')).res.statusCode).toBe(303);
        h.now.value = new Date(h.now.value.getTime() + 16 * 60_000);
        expect((await login(h.app, 'drneuro')).res.statusCode).toBe(303);
        expect((await audit()).filter((e) => e.action === 'login' && e.outcome === 'denied')).toHaveLength(1);
      });

      it('limits attempts per address across account names', async () => {
        const limited = await inboxHarnessWith({ perAddress: { limit: 3, windowMinutes: 15 } });
        for (const name of ['a1', 'a2', 'a3']) expect((await login(limited.app, name, 'whatever password', '10.1.1.1')).res.statusCode).toBe(401);
        expect((await login(limited.app, 'drneuro', PASSWORD, '10.1.1.1')).res.statusCode).toBe(429);
        expect((await login(limited.app, 'drneuro', PASSWORD, '10.1.1.2')).res.statusCode).toBe(303);
        await limited.app.close();
      });
    });

    const inboxHarnessWith = async (auth: Record<string, unknown>): Promise<Harness> => {
      const opened = await backend.open();
      const other = await inboxHarness(opened.stores, opened.alerts, { auth });
      other.app.addHook('onClose', async () => opened.close());
      return other;
    };

    describe('when a machine uses an API token', () => {
      it('lists and acts without CSRF; a revoked token or a disabled account is refused', async () => {
        await h.admin.add({ username: 'engine', displayName: 'Reporting job', role: 'reviewer' });
        const { token, record } = await h.admin.createToken('engine', 'nightly report');
        expect(token).toMatch(/^pst_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
        // the secret is base64url, so it may itself hold '_': it is everything after pst_<id>_
        expect((await h.stores.tokens.get(record.id))?.digest).not.toContain(token.slice('pst_'.length + 16 + 1));
        const auth = { authorization: `Bearer ${token}` };
        const list = await h.app.inject({ method: 'GET', url: '/api/alerts', headers: auth });
        expect(list.json().alerts).toHaveLength(2);
        const act = await h.app.inject({ method: 'POST', url: `/api/alerts/${OTHER.id}/actions`, headers: auth, payload: { kind: 'snooze', version: 3, until: '2025-03-01' } });
        expect(act.statusCode).toBe(200);
        expect(act.json().alert).toMatchObject({ status: 'snoozed', snoozedUntil: '2025-03-01T00:00:00.000Z' });
        expect((await audit()).filter((e) => e.action === 'snooze')).toMatchObject([{ actor: 'engine', via: 'api', outcome: 'ok' }]);
        expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}x` } })).statusCode).toBe(401);
        await h.admin.setDisabled('engine', true);
        expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: auth })).statusCode).toBe(401);
        await h.admin.setDisabled('engine', false);
        expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: auth })).statusCode).toBe(200);
        await h.admin.revokeToken(record.id);
        expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: auth })).statusCode).toBe(401);
      });
    });

    describe('when roles differ', () => {
      it('a reviewer sees every alert; an auditor sees none but reads and exports the audit trail', async () => {
        const reviewer = (await login(h.app, 'reviewer1')).session;
        const all = await h.app.inject({ method: 'GET', url: '/api/alerts', headers: { cookie: reviewer?.cookie } });
        expect(all.json().alerts.map((r: { alert: { id: string } }) => r.alert.id)).toEqual([ROUTED.id, OTHER.id]);
        const auditorLogin = await login(h.app, 'auditor1');
        expect(auditorLogin.res.headers.location).toBe('/audit');
        const auditor = auditorLogin.session;
        expect((await h.app.inject({ method: 'GET', url: '/api/alerts', headers: { cookie: auditor?.cookie } })).statusCode).toBe(403);
        expect((await h.app.inject({ method: 'GET', url: '/audit', headers: { cookie: reviewer?.cookie, accept: 'text/html' } })).statusCode).toBe(403);
        const page = await h.app.inject({ method: 'GET', url: '/audit', headers: { cookie: auditor?.cookie } });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('reviewer1');
        const json = await h.app.inject({ method: 'GET', url: '/api/audit?format=json&actor=reviewer1', headers: { cookie: auditor?.cookie } });
        expect(json.json().entries.map((e: { action: string }) => e.action)).toEqual(['login', 'list-alerts', 'list-alerts', 'view-audit']);
        expect(json.json().entries.at(-1)).toMatchObject({ action: 'view-audit', outcome: 'denied' });
        const csv = await h.app.inject({ method: 'GET', url: '/api/audit?format=csv', headers: { cookie: auditor?.cookie } });
        expect(csv.headers['content-type']).toContain('text/csv');
        expect(csv.body.split('\r\n')[0]).toBe('seq,at,actor,role,action,outcome,alertId,alertVersion,ip,via,detail');
        expect(csv.body).toContain(',auditor1,auditor,view-audit,ok,');
      });

      it('exports a formula-like account name harmlessly in CSV', async () => {
        await login(h.app, '=cmd|calc', 'whatever password');
        const auditor = (await login(h.app, 'auditor1')).session;
        const csv = await h.app.inject({ method: 'GET', url: '/api/audit?format=csv&actor==cmd|calc', headers: { cookie: auditor?.cookie } });
        expect(csv.body).toContain("'=cmd|calc");
      });
    });

    describe('every response', () => {
      it('carries the security headers: CSP without scripts, no framing, nosniff, no referrer, no caching of pages', async () => {
        const res = await h.app.inject({ method: 'GET', url: '/login' });
        expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['strict-transport-security']).toBeUndefined();
      });
    });
  });
}

describe('when the inbox runs behind TLS', () => {
  it('names the session cookie __Host- and marks it Secure', async () => {
    const db = new SqliteDatabase(':memory:');
    const h = await inboxHarness(sqliteInboxStores(db), new SqliteAlertStore(db), { secureCookies: true });
    const form = await h.app.inject({ method: 'GET', url: '/login' });
    expect(String(form.headers['set-cookie'])).toMatch(/Secure/);
    const loginCookie = cookiesOf(form).get('sentinel_login') ?? '';
    const csrf = /name="_csrf" value="([^"]*)"/.exec(form.body)?.[1] ?? '';
    const res = await h.app.inject({ method: 'POST', url: '/login', headers: { cookie: `sentinel_login=${loginCookie}`, 'content-type': FORM }, payload: encode({ username: 'drneuro', password: PASSWORD, _csrf: csrf }) });
    const session = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('__Host-sentinel_session='));
    expect(session).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Secure/);
    await h.app.close();
    await db.close();
  });
});

describe('when the alert store fails', () => {
  it('answers 500 with a request id and no stack trace', async () => {
    const db = new SqliteDatabase(':memory:');
    const alerts = new SqliteAlertStore(db);
    const h = await inboxHarness(sqliteInboxStores(db), alerts);
    const { session } = await login(h.app, 'drneuro');
    alerts.list = async () => {
      throw new Error('disk on fire at /var/lib/secret/path');
    };
    const res = await h.app.inject({ method: 'GET', url: '/api/alerts', headers: { cookie: session?.cookie } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INBOX_INTERNAL', instance: expect.any(String) });
    expect(res.body).not.toContain('disk on fire');
    expect(res.body).not.toContain('.ts:');
    await h.app.close();
    await db.close();
  });
});
