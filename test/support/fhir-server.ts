import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { loadR4, validateR4 } from './fhir-r4.js';

/** What the next request meets instead of a normal answer. */
export type Fault = { status: number } | 'hang' | 'reset';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

type Stored = Resource & { id: string; meta: { versionId: string; lastUpdated: string } };

class TransactionError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * A FHIR R4 server on loopback for channel tests, in memory. It implements what the channels use:
 * - `POST <base>` with a transaction Bundle: every resource is validated first (medplum's R4
 *   validator plus required bindings, fhir-r4.ts; 422 with an OperationOutcome when invalid), then
 *   the entries are applied all or nothing: `POST` with `ifNoneExist` (conditional create),
 *   `PUT <type>?identifier=…` (conditional update: create on no match, update on one, 412 on
 *   several), `PUT <type>/<id>`, plain `POST`;
 * - `GET <base>/<type>?identifier=<system>|<value>` (searchset) and `GET <base>/<type>/<id>`;
 * - an optional bearer token (401 without it), and faults injected per request (`failNext`).
 */
export class LoopbackFhirServer {
  readonly requests: RecordedRequest[] = [];
  private readonly store = new Map<string, Stored>();
  private readonly faults: Fault[] = [];
  private nextId = 1;
  private app: FastifyInstance | undefined;

  constructor(private readonly opts: { bearerToken?: string; basePath?: string } = {}) {}

  get basePath(): string {
    return this.opts.basePath ?? '/fhir';
  }

  async start(): Promise<string> {
    loadR4();
    const app = Fastify({ forceCloseConnections: true });
    app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('ignore', 'ignore'));
    app.addHook('onRequest', async (req, reply) => {
      this.requests.push({ method: req.method, url: req.url, headers: req.headers, body: undefined });
      const fault = this.faults.shift();
      if (fault === 'reset') {
        req.raw.socket.destroy();
        return reply.hijack();
      }
      if (fault === 'hang') return reply.hijack(); // never answers; the client's timeout must fire
      if (fault) return reply.code(fault.status).type('application/fhir+json').send(outcome('transient', 'injected fault'));
      if (this.opts.bearerToken && req.headers.authorization !== `Bearer ${this.opts.bearerToken}`) {
        return reply.code(401).type('application/fhir+json').send(outcome('login', 'bearer token required'));
      }
      return undefined;
    });
    app.addHook('preHandler', async (req) => {
      const last = this.requests[this.requests.length - 1];
      if (last) last.body = req.body;
    });
    app.post(this.basePath, async (req, reply) => this.transaction(req.body, reply));
    app.get(`${this.basePath}/:type`, async (req, reply) => {
      const { type } = req.params as { type: string };
      const identifier = (req.query as { identifier?: string }).identifier;
      if (identifier === undefined) return reply.code(400).send(outcome('not-supported', 'only identifier searches'));
      const found = this.search(type, identifier);
      return reply.type('application/fhir+json').send({ resourceType: 'Bundle', type: 'searchset', total: found.length, entry: found.map((resource) => ({ resource })) });
    });
    app.get(`${this.basePath}/:type/:id`, async (req, reply) => {
      const { type, id } = req.params as { type: string; id: string };
      const found = this.store.get(`${type}/${id}`);
      return found ? reply.type('application/fhir+json').send(found) : reply.code(404).type('application/fhir+json').send(outcome('not-found', `${type}/${id}`));
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    this.app = app;
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}${this.basePath}`;
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Puts a resource as the EHR has it (a Patient for the CDS Hooks tests). */
  seed(resource: Resource & { id: string }): void {
    this.store.set(`${resource.resourceType}/${resource.id}`, { ...resource, meta: { versionId: '1', lastUpdated: new Date().toISOString() } });
  }

  all(type: string): Stored[] {
    return [...this.store.values()].filter((r) => r.resourceType === type);
  }

  /** `identifier` as in a search: `<system>|<value>`, with `\|` escapes. */
  search(type: string, identifier: string, store: Map<string, Stored> = this.store): Stored[] {
    const [system, value] = splitToken(identifier);
    return [...store.values()].filter((r) => r.resourceType === type && identifiersOf(r).some((i) => i.system === system && i.value === value));
  }

  private async transaction(body: unknown, reply: FastifyReply): Promise<FastifyReply> {
    const bundle = body as Bundle;
    if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
      return reply.code(400).type('application/fhir+json').send(outcome('invalid', 'expected a transaction Bundle'));
    }
    const issues = validateR4(bundle);
    if (issues.length > 0) return reply.code(422).type('application/fhir+json').send({ resourceType: 'OperationOutcome', issue: issues } satisfies OperationOutcome);
    const staged = new Map(this.store);
    try {
      const responses = (bundle.entry ?? []).map((entry) => this.apply(entry, staged));
      for (const [k, v] of staged) this.store.set(k, v);
      return reply.type('application/fhir+json').send({ resourceType: 'Bundle', type: 'transaction-response', entry: responses.map((response) => ({ response })) });
    } catch (err) {
      if (!(err instanceof TransactionError)) throw err;
      return reply.code(err.status).type('application/fhir+json').send(outcome(err.status === 412 ? 'multiple-matches' : 'invalid', err.message));
    }
  }

  private apply(entry: BundleEntry, staged: Map<string, Stored>): { status: string; location?: string } {
    const { request, resource } = entry;
    if (!request || !resource) throw new TransactionError(400, 'entry without request or resource');
    const [path = '', query] = request.url.split('?', 2);
    const matchesOf = (q: string): Stored[] => {
      const identifier = new URLSearchParams(q).get('identifier');
      if (identifier === null) throw new TransactionError(400, `unsupported search ${q}`);
      return this.search(path, identifier, staged);
    };
    if (request.method === 'POST') {
      const existing = request.ifNoneExist ? matchesOf(request.ifNoneExist) : [];
      if (existing.length > 1) throw new TransactionError(412, `${existing.length} matches for ${request.ifNoneExist}`);
      if (existing[0]) return { status: '200 OK', location: locationOf(existing[0]) };
      return { status: '201 Created', location: locationOf(this.write(staged, resource, undefined)) };
    }
    if (request.method === 'PUT') {
      const [type, id] = path.split('/');
      const existing = query !== undefined ? matchesOf(query) : [staged.get(`${type}/${id}`)].filter((r): r is Stored => r !== undefined);
      if (existing.length > 1) throw new TransactionError(412, `${existing.length} matches for ${query}`);
      const written = this.write(staged, resource, existing[0] ?? (id ? { id } : undefined));
      return { status: existing[0] ? '200 OK' : '201 Created', location: locationOf(written) };
    }
    throw new TransactionError(400, `unsupported method ${request.method}`);
  }

  private write(staged: Map<string, Stored>, resource: Resource, previous: { id: string; meta?: Stored['meta'] } | undefined): Stored {
    const id = previous?.id ?? String(this.nextId++);
    const versionId = String(Number(previous?.meta?.versionId ?? '0') + 1);
    const stored = { ...resource, id, meta: { versionId, lastUpdated: new Date().toISOString() } } as Stored;
    staged.set(`${resource.resourceType}/${id}`, stored);
    return stored;
  }
}

function locationOf(r: Stored): string {
  return `${r.resourceType}/${r.id}/_history/${r.meta.versionId}`;
}

function identifiersOf(r: Resource): { system?: string; value?: string }[] {
  const ids = (r as { identifier?: unknown }).identifier;
  return Array.isArray(ids) ? ids : ids ? [ids as { system?: string; value?: string }] : [];
}

/** `system|value` with FHIR search escapes (`\|`, `\,`, `\$`, `\\`). */
function splitToken(token: string): [string | undefined, string] {
  let system: string | undefined;
  let current = '';
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if (c === '\\' && i + 1 < token.length) current += token[++i];
    else if (c === '|' && system === undefined) {
      system = current;
      current = '';
    } else current += c;
  }
  return system === undefined ? [undefined, current] : [system, current];
}

function outcome(code: OperationOutcomeIssue['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}
