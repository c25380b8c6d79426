import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthCheck {
  name: string;
  /** true when this part can take traffic; a string says why not */
  ready: () => Promise<true | string>;
}

/**
 * GET /healthz: the process is alive (200 while it runs). GET /readyz: every part can take
 * traffic (200, or 503 with the parts that cannot and why). Loopback by default.
 */
export class HealthServer {
  private server: Server | undefined;
  private draining = false;

  constructor(private readonly checks: HealthCheck[], private readonly host: string, private readonly port: number) {}

  async start(): Promise<{ port: number }> {
    this.server = createServer((req, res) => {
      void this.respond(req.url ?? '/').then(({ status, body }) => {
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

  private async respond(url: string): Promise<{ status: number; body: unknown }> {
    if (url === '/healthz') return { status: 200, body: { status: 'alive' } };
    if (url !== '/readyz') return { status: 404, body: { error: 'not found' } };
    if (this.draining) return { status: 503, body: { status: 'draining' } };
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await c.ready().catch((e: Error) => e.message)] as const));
    const failing = results.filter(([, r]) => r !== true);
    return failing.length === 0
      ? { status: 200, body: { status: 'ready', checks: results.map(([n]) => n) } }
      : { status: 503, body: { status: 'not ready', failing: Object.fromEntries(failing) } };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
