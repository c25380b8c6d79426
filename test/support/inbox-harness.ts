import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Alert } from '../../src/domain/alert.js';
import type { Recipient } from '../../src/domain/recipient.js';
import { notificationKey } from '../../src/domain/alert.js';
import { UserAdmin } from '../../src/inbox/auth/user-admin.js';
import { buildInboxServer, type InboxServerOptions } from '../../src/inbox/inbox.server.js';
import { registerInboxMetrics } from '../../src/inbox/metrics.js';
import type { InboxStores } from '../../src/inbox/store/inbox-stores.js';
import type { AlertStore } from '../../src/store/timeline-store.js';
import { RULE_ID } from '../../src/rules/poems.rule.js';
import { syntheticAlert } from './alert-fixture.js';

/** Synthetic accounts; one password for all (at least 12 characters). */
export const PASSWORD = 'synthetic-passphrase-1';
export const TEST_SCRYPT_COST = { N: 2 ** 12, r: 8, p: 1 };
/** the rule id the service stores alerts under (the CDS Hooks lookup reads it) */
export const ROUTED = syntheticAlert({ rule: RULE_ID });
export const OTHER = syntheticAlert({ rule: RULE_ID, id: '9a7b6c5d-4e3f-4a2b-8c1d-0e9f8a7b6c5d', patientKey: 'SYNTH-HOSP|P000999', tier: 'screening-gap', notifiedTiers: ['screening-gap'] });
export const NEURO_POOL: Recipient = { kind: 'pool', id: 'neuromuscular', display: 'Neuromuscular team' };

export interface Harness {
  app: FastifyInstance;
  stores: InboxStores;
  alerts: AlertStore;
  admin: UserAdmin;
  registry: Registry;
  now: { value: Date };
}

/** A server over the given stores with four users, two alerts, and the first routed to the clinician's pool. */
export async function inboxHarness(stores: InboxStores, alerts: AlertStore, extra: Partial<InboxServerOptions> = {}): Promise<Harness> {
  const now = { value: new Date('2025-02-05T09:01:00.000Z') };
  const clock = (): Date => now.value;
  // cheap hashes for the test accounts (the default cost is for production: tests log in hundreds of times)
  const admin = new UserAdmin({ ...stores, clock, operator: 'test-operator', passwordCost: TEST_SCRYPT_COST });
  await admin.add({ username: 'drneuro', displayName: 'Dr Neuro (synthetic)', role: 'clinician', pools: ['neuromuscular'], providerIds: ['D100'], password: PASSWORD });
  await admin.add({ username: 'drother', displayName: 'Dr Other (synthetic)', role: 'clinician', providerIds: ['D999'], password: PASSWORD });
  await admin.add({ username: 'reviewer1', displayName: 'Reviewer (synthetic)', role: 'reviewer', password: PASSWORD });
  await admin.add({ username: 'auditor1', displayName: 'Auditor (synthetic)', role: 'auditor', password: PASSWORD });
  await alerts.put(ROUTED);
  await alerts.put(OTHER);
  await stores.items.record({ alertId: ROUTED.id, recipient: NEURO_POOL, notificationKey: notificationKey(ROUTED.id, 1, ROUTED.tier), tier: ROUTED.tier }, ROUTED.createdAt);
  const registry = new Registry();
  const app = await buildInboxServer({ alerts, inboxStore: stores, log: pino({ level: 'silent' }), metrics: registerInboxMetrics(registry), clock, ...extra });
  return { app, stores, alerts, admin, registry, now };
}

/** The cookies a response sets, as a Cookie header value (name=value pairs). */
export function cookiesOf(res: LightMyRequestResponse): Map<string, string> {
  const set = res.headers['set-cookie'];
  const list = set === undefined ? [] : Array.isArray(set) ? set : [set];
  return new Map(list.map((c) => {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    return [pair.slice(0, eq), pair.slice(eq + 1)] as [string, string];
  }));
}

export function hiddenField(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!m?.[1]) throw new Error(`no hidden field ${name}`);
  return m[1];
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Logs in through the form, as a browser does: GET /login (its CSRF cookie), POST the form. */
export async function login(app: FastifyInstance, username: string, password = PASSWORD, ip = '127.0.0.1'): Promise<{ res: LightMyRequestResponse; session: Session | null }> {
  const form = await app.inject({ method: 'GET', url: '/login', remoteAddress: ip });
  const loginCookie = cookiesOf(form).get('sentinel_login') ?? '';
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie: `sentinel_login=${loginCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password, _csrf: hiddenField(form.body, '_csrf'), next: '/' }).toString(),
  });
  const id = cookiesOf(res).get('sentinel_session');
  if (res.statusCode !== 303 || !id) return { res, session: null };
  const cookie = `sentinel_session=${id}`;
  const home = await app.inject({ method: 'GET', url: String(res.headers.location), headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]*)"/.exec(home.body)?.[1] ?? '';
  return { res, session: { cookie, csrf } };
}

export const FORM = 'application/x-www-form-urlencoded';
export const encode = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

export type { Alert };
