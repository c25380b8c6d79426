import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AdminHandler } from './admin-endpoint.js';
import type { AddressInfo } from 'node:net';

export interface HealthCheck {
  name: string;
  /** true when this part can take traffic; a string says why not */
  ready: () => Promise<true | string>;
  /** what is wrong without stopping traffic (shown on /readyz, 200 or 503, as `warnings`) */
  warnings?: () => string[];
}

/** One metric in the Prometheus text format: a counter or a gauge, with its labelled values. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels?: Record<string, string>; value: number }[];
}

/**
 * GET /healthz: the process is alive (200 while it runs). GET /readyz: every part can take
 * traffic (200, or 503 with the parts that cannot and why, in `reason` and per part in
 * `failing`). GET /metrics: counters and gauges in the Prometheus text format. Loopback by default.
 */
export class HealthServer {
  private server: Server | undefined;
  private draining = false;

  constructor(
    private readonly checks: HealthCheck[],
    private readonly host: string,
    private readonly port: number,
    private readonly metrics: () => MetricFamily[] = () => [],
    /** more metrics already in the text format (a prom-client registry's `metrics()`) */
    private readonly metricsText: () => Promise<string> = async () => '',
    /** routes under /admin/ (loopback and token checked by the handler) */
    private readonly admin?: AdminHandler,
  ) {}

  async start(): Promise<{ port: number }> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/metrics') {
        void this.metricsText().then(
          (text) => {
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            res.end(renderMetrics(this.metrics()) + text);
          },
          (err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
          },
        );
        return;
      }
      const answer = path.startsWith('/admin/') && this.admin ? this.adminRequest(req, path, this.admin) : this.respond(path);
      void answer.then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, this.host, resolve);
    });
    return { port: (this.server.address() as AddressInfo).port };
  }

  /** Shutdown has begun: readiness fails at once so a load balancer stops sending. */
  drain(): void {
    this.draining = true;
  }

  private async adminRequest(req: IncomingMessage, path: string, admin: AdminHandler): Promise<{ status: number; body: unknown }> {
    try {
      const text = await readBody(req, ADMIN_BODY_BYTES);
      if (text === undefined) return { status: 413, body: { error: `body larger than ${ADMIN_BODY_BYTES} bytes` } };
      let body: unknown = null;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          return { status: 400, body: { error: 'body is not JSON' } };
        }
      }
      return await admin({ method: req.method ?? 'GET', path, remoteAddress: req.socket.remoteAddress, authorization: req.headers.authorization, body });
    } catch (err) {
      return { status: 500, body: { error: `internal error: ${err instanceof Error ? err.message : String(err)}` } };
    }
  }

  private async respond(path: string): Promise<{ status: number; body: unknown }> {
    if (path === '/healthz') return { status: 200, body: { status: 'alive' } };
    if (path !== '/readyz') return { status: 404, body: { error: 'not found' } };
    if (this.draining) return { status: 503, body: { status: 'draining', reason: 'shutting down: finishing the messages in flight' } };
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await c.ready().catch((e: Error) => e.message)] as const));
    const failing = results.filter(([, r]) => r !== true);
    const warnings = this.checks.flatMap((c) => (c.warnings?.() ?? []).map((w) => `${c.name}: ${w}`));
    const warned = warnings.length > 0 ? { warnings } : {};
    return failing.length === 0
      ? { status: 200, body: { status: 'ready', checks: results.map(([n]) => n), ...warned } }
      : { status: 503, body: { status: 'not ready', reason: failing.map(([n, r]) => `${n}: ${String(r)}`).join('; '), failing: Object.fromEntries(failing), ...warned } };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export function renderMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`);
      lines.push(`${f.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${s.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const ADMIN_BODY_BYTES = 16 * 1024;

/** The request body as text, or undefined past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
