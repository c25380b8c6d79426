import { request } from 'node:http';
import type { Alert } from '../domain/alert.js';
import { SentinelError } from '../errors.js';
import type { AlertAction } from '../inbox/actions/alert-action.js';
import { readAdminFile, type AdminActionBody } from './admin-endpoint.js';

/**
 * An alert action through the running service that uses `dbPath`, when there is one: the
 * updated alert, or undefined when no service answers there (the caller then writes directly).
 */
export async function actThroughService(dbPath: string, id: string, action: AlertAction, by: string, timeoutMs = 15_000): Promise<Alert | undefined> {
  const admin = readAdminFile(dbPath);
  if (!admin) return undefined;
  const body: AdminActionBody = { action, by };
  const res = await post(`${admin.url}/admin/alerts/${encodeURIComponent(id)}/actions`, admin.token, body, timeoutMs);
  if (res === undefined) return undefined;
  if (res.status === 200) return res.body as Alert;
  // a health port bound to another address than loopback (the CLI cannot prove it is local), or
  // a service shutting down: write directly
  if (res.status === 403 || res.status === 503) return undefined;
  const error = (res.body as { error?: string } | null)?.error ?? `HTTP ${res.status}`;
  if (res.status === 404 || res.status === 400) throw new SentinelError('USAGE', error);
  throw new SentinelError('STORE_UNAVAILABLE', `the running service refused the action: ${error}`);
}

/** undefined: nothing listens there (a service that died without removing its file) */
function post(url: string, token: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: unknown } | undefined> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', timeout: timeoutMs, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { error: text.slice(0, 200) };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.once('timeout', () => req.destroy(new SentinelError('STORE_UNAVAILABLE', `the running service did not answer within ${timeoutMs} ms`)));
    req.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(undefined) : reject(err)));
    req.end(payload);
  });
}
