import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthCheck {
  name: string;
  /** true when this part can take traffic; a string says why not */
  ready: () => Promise<true | string>;
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
  ) {}

  async start(): Promise<{ port: number }> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(renderMetrics(this.metrics()));
        return;
      }
      void this.respond(path).then(({ status, body }) => {
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

  private async respond(path: string): Promise<{ status: number; body: unknown }> {
    if (path === '/healthz') return { status: 200, body: { status: 'alive' } };
    if (path !== '/readyz') return { status: 404, body: { error: 'not found' } };
    if (this.draining) return { status: 503, body: { status: 'draining', reason: 'shutting down: finishing the messages in flight' } };
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await c.ready().catch((e: Error) => e.message)] as const));
    const failing = results.filter(([, r]) => r !== true);
    return failing.length === 0
      ? { status: 200, body: { status: 'ready', checks: results.map(([n]) => n) } }
      : { status: 503, body: { status: 'not ready', reason: failing.map(([n, r]) => `${n}: ${String(r)}`).join('; '), failing: Object.fromEntries(failing) } };
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
