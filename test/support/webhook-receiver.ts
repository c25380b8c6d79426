import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Fault } from './fhir-server.js';

export type VerifySentinel = (headers: IncomingHttpHeaders, rawBody: Buffer | string, secret: string, nowSeconds?: number) => boolean;

/**
 * The receiver check printed in docs/channels/webhook.md, loaded from the page itself, so the
 * documentation's example is the code under test.
 */
export async function loadDocumentedVerifier(): Promise<VerifySentinel> {
  const page = readFileSync(new URL('../../docs/channels/webhook.md', import.meta.url), 'utf8');
  const match = /<!-- receiver-example -->\s*```js\n([\s\S]*?)```/.exec(page);
  if (!match?.[1]) throw new Error('docs/channels/webhook.md has no receiver example');
  const file = join(tmpdir(), `sentinel-webhook-verify-${process.pid}.mjs`);
  writeFileSync(file, match[1]);
  try {
    const mod = (await import(`${pathToFileURL(file).href}?${Date.now()}`)) as { verifySentinel: VerifySentinel };
    return mod.verifySentinel;
  } finally {
    rmSync(file, { force: true });
  }
}

export interface ReceivedWebhook {
  key: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A webhook receiver on loopback that behaves as the docs ask: the documented signature check
 * (401 when it fails), repeats dropped by `X-Sentinel-Key` (answered 200, not stored twice),
 * 204 for a new notification; faults injected per request.
 */
export class LoopbackWebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  requests = 0;
  private readonly faults: Fault[] = [];
  private server: Server | undefined;

  constructor(private readonly secret: string, private readonly verify: VerifySentinel) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests += 1;
        const fault = this.faults.shift();
        if (fault === 'hang') return; // the sender's timeout must fire
        if (fault === 'reset') return req.socket.destroy();
        if (fault) return res.writeHead(fault.status).end('injected fault');
        const raw = Buffer.concat(chunks);
        if (!this.verify(req.headers, raw, this.secret)) return res.writeHead(401).end('bad signature');
        const key = String(req.headers['x-sentinel-key']);
        if (this.received.some((r) => r.key === key)) return res.writeHead(200).end('duplicate');
        this.received.push({ key, headers: req.headers, body: JSON.parse(raw.toString('utf8')) });
        return res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/sentinel`;
  }

  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
