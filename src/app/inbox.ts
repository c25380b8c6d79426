import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import type { SiteProfile } from '../config/profile.schema.js';
import type { ServiceConfig } from '../config/service.schema.js';
import { SentinelError } from '../errors.js';
import { CdsHooksConfig } from '../inbox/cds-hooks/cds-hooks.config.js';
import { buildInboxServer } from '../inbox/inbox.server.js';
import { registerInboxMetrics } from '../inbox/metrics.js';
import type { InboxStores } from '../inbox/store/inbox-stores.js';
import type { SqliteHandle } from '../inbox/store/sqlite/sqlite-handle.js';
import { explain } from '../rules/explain.js';
import { inboxStateFor } from './inbox-state.js';
import type { ServiceState } from './state.js';

export interface RunningInbox {
  /** the inbox's own state: the inbox channel records items in `stores.items` */
  stores: InboxStores;
  app: FastifyInstance;
  host: string;
  port: number;
  /** https when the service has TLS options */
  url: string;
  ready(): Promise<true | string>;
  /** stops answering (in-flight requests finish), then closes its stores */
  stop(): Promise<void>;
}

export interface InboxStartOptions {
  config: ServiceConfig;
  state: ServiceState;
  /** the embedded SQLite file, when the state is SQLite (the inbox shares its connection) */
  sqlite: SqliteHandle | null;
  profile: SiteProfile;
  log: Logger;
  /** where the inbox's counters and dwell histogram are registered, when the service serves prom-client metrics */
  registry?: Registry;
  clock?: () => Date;
}

/**
 * The clinician inbox and the CDS Hooks service of `poems-sentinel run`: its state (the SQLite
 * file, or PostgreSQL with `databaseUrl`), the fastify server on `inboxHost:inboxPort`
 * (loopback by default) with the MLLP listener's TLS key and certificate when it has them.
 */
export async function startInbox(opts: InboxStartOptions): Promise<RunningInbox> {
  const { config, state, log } = opts;
  const cdsHooks = config.cdsHooksConfig ? { config: loadCdsHooksConfig(config.cdsHooksConfig) } : undefined;
  const stores = await inboxStateFor(config, opts.sqlite);
  const tls = config.tlsKey && config.tlsCert
    ? { key: readFileSync(config.tlsKey), cert: readFileSync(config.tlsCert), ...(config.tlsCa ? { ca: readFileSync(config.tlsCa) } : {}) }
    : undefined;
  let app: FastifyInstance;
  try {
    app = await buildInboxServer({
      alerts: state.alerts,
      inboxStore: stores,
      log,
      explain: async (alert) => explain(await state.timeline.timeline(await state.timeline.resolve(alert.patientKey)), opts.profile),
      flushAlerts: () => state.durable.flush(),
      ...(opts.registry ? { metrics: registerInboxMetrics(opts.registry) } : {}),
      ...(cdsHooks ? { cdsHooks } : {}),
      ...(tls ? { https: tls } : {}),
      trustProxy: config.inboxTrustProxy,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    await app.listen({ host: config.inboxHost, port: config.inboxPort });
  } catch (err) {
    await stores.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.inboxPort;
  const host = config.inboxHost;
  return {
    stores,
    app,
    host,
    port,
    url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    ready: () => stores.ready(),
    stop: async () => {
      await app.close();
      await stores.close();
    },
  };
}

function loadCdsHooksConfig(path: string): CdsHooksConfig {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SentinelError('INPUT_UNREADABLE', `the CDS Hooks configuration ${path} could not be read: ${(err as Error).message}`);
  }
  const parsed = CdsHooksConfig.safeParse(doc);
  if (!parsed.success) throw new SentinelError('USAGE', `the CDS Hooks configuration ${path} is not valid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return parsed.data;
}
