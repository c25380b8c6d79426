import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { AlertAction } from '../inbox/actions/alert-action.js';
import { SentinelError } from '../errors.js';
import type { AuditLog } from '../inbox/store/audit.store.js';
import type { AlertStore } from '../store/timeline-store.js';
import { actOnAlert, AlertKeptChanging } from './alert-action.js';

/**
 * The running service's admin endpoint, so that an operator's command never competes with the
 * feed for SQLite's write lock (a service taking traffic holds it nearly all the time, and a
 * second process can wait for it in vain): `POST /admin/alerts/<id>/actions` on the health port,
 * answered only to loopback peers that bear the token. The service writes the URL and the token
 * to a file beside its database (mode 0600: whoever may read it may write the database anyway),
 * and the CLI finds it there.
 */
export interface AdminRequest {
  method: string;
  path: string;
  remoteAddress: string | undefined;
  authorization: string | undefined;
  body: unknown;
}
export interface AdminResponse { status: number; body: unknown }
export type AdminHandler = (req: AdminRequest) => Promise<AdminResponse>;

export const AdminActionBody = z.object({ action: AlertAction, by: z.string().max(200).default('') });
export type AdminActionBody = z.input<typeof AdminActionBody>;

const ROUTE = /^\/admin\/alerts\/([^/]+)\/actions$/;

export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The alert actions through the service: the same code path as the CLI's direct one, then the service's commit. */
export function alertAdmin(deps: { alerts: AlertStore; audit?: () => AuditLog | undefined; commit: () => Promise<void>; token: string; clock: () => Date; open?: () => boolean }): AdminHandler {
  const expected = Buffer.from(`Bearer ${deps.token}`);
  return async (req) => {
    if (!isLoopback(req.remoteAddress)) return { status: 403, body: { error: 'the admin endpoint answers loopback only' } };
    const given = Buffer.from(req.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 401, body: { error: 'bad or missing admin token' } };
    if (deps.open && !deps.open()) return { status: 503, body: { error: 'the service is stopping: write directly' } };
    const route = ROUTE.exec(req.path);
    if (!route || req.method !== 'POST') return { status: 404, body: { error: 'not found' } };
    const parsed = AdminActionBody.safeParse(req.body);
    if (!parsed.success) return { status: 400, body: { error: z.prettifyError(parsed.error) } };
    const id = decodeURIComponent(route[1] as string);
    try {
      const audit = deps.audit?.();
      const alert = await actOnAlert({ alerts: deps.alerts, ...(audit ? { audit } : {}), flush: deps.commit, clock: deps.clock }, id, parsed.data.action, parsed.data.by, req.remoteAddress ?? null);
      if (!alert) return { status: 404, body: { error: `no alert with id ${id}` } };
      return { status: 200, body: alert };
    } catch (err) {
      if (err instanceof AlertKeptChanging) return { status: 409, body: { error: err.message } };
      if (err instanceof SentinelError && err.code === 'USAGE') return { status: 400, body: { error: err.message } };
      throw err;
    }
  };
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Where a service using `dbPath` leaves its admin address and token. */
export function adminFileOf(dbPath: string): string {
  return `${dbPath}.admin.json`;
}

const AdminFile = z.object({ url: z.string().url(), token: z.string().min(16), pid: z.number().int() });
export type AdminFile = z.infer<typeof AdminFile>;

export function writeAdminFile(dbPath: string, content: AdminFile): void {
  const path = adminFileOf(dbPath);
  writeFileSync(path, JSON.stringify(content), { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function removeAdminFile(dbPath: string, pid: number): void {
  // only our own: a second service on the same file must not lose its entry to our shutdown
  if (readAdminFile(dbPath)?.pid === pid) rmSync(adminFileOf(dbPath), { force: true });
}

/** The running service's admin address, if a live process left one. */
export function readAdminFile(dbPath: string): AdminFile | undefined {
  let content: AdminFile;
  try {
    content = AdminFile.parse(JSON.parse(readFileSync(adminFileOf(dbPath), 'utf8')));
  } catch {
    return undefined;
  }
  try {
    process.kill(content.pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's; ESRCH: gone (kill -9 leaves the file behind)
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return content;
}
