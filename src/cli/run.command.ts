import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import { ServiceConfig } from '../config/service.schema.js';
import { SentinelError } from '../errors.js';
import { startService } from '../app/service.js';
import { EXIT, parse, type Output } from './usage.js';

/** the defaults, read from the schema so that the help never restates one */
const D = ServiceConfig.parse({});

export const RUN_HELP = `Usage: poems-sentinel run [options]

Runs the service: an MLLP listener, the pipeline, the alert store, the clinician inbox, health endpoints.
Without --kafka-brokers and --redis-url it runs embedded (SQLite, no other service needed).

Options (the timeouts: 0 = none):
  --mllp-host H            bind address (default ${D.mllpHost})
  --mllp-port P            MLLP port (default ${D.mllpPort}; 0 = any free port)
  --max-frame-bytes N      largest message accepted (default ${D.mllpMaxFrameBytes})
  --max-connections N      MLLP connection slots (default ${D.mllpMaxConnections})
  --max-connections-per-peer N   from one address (default ${D.mllpMaxConnectionsPerPeer}; 0 = no limit)
  --first-byte-timeout-ms N      a new connection must start a frame within N ms (default ${D.mllpFirstByteTimeoutMs})
  --idle-timeout-ms N      close a connection N ms after its last message (default ${D.mllpIdleTimeoutMs})
  --frame-timeout-ms N     a frame must be complete N ms after its first byte (default ${D.mllpFrameTimeoutMs})
  --min-bytes-per-second N a frame still arriving after its grace period must have averaged
                           N bytes/s (default ${D.mllpMinBytesPerSecond}; 0 = off)
  --min-rate-grace-ms N    that grace period (default ${D.mllpMinRateGraceMs})
  --unready-after-failing-ms N   /readyz fails once every message got AE for N ms (default ${D.mllpUnreadyAfterFailingMs})
  --dead-letter-max-bytes N      all dead letters together (default ${D.deadLetterMaxBytes})
  --dead-letter-max-bytes-per-peer N   one peer's dead letters (default ${D.deadLetterMaxBytesPerPeer})
  --dead-letter-keep-bytes N     a larger rejected message keeps this prefix + SHA-256 (default ${D.deadLetterKeepBytes})
  --dead-letter-alarm-ms N       /readyz fails this long after the total quota deleted letters (default ${D.deadLetterAlarmMs})
  --tls-key F --tls-cert F serve MLLP over TLS; --tls-ca F --tls-request-cert for mutual TLS
  --health-host H          (default ${D.healthHost})
  --health-port P          GET /healthz, /readyz, /metrics (default ${D.healthPort}; 0 = any free port)
  --db FILE                embedded state (default ${D.dbPath})
  --kafka-brokers H:P,...  MLLP → Kafka topic ${D.kafkaTopic} → consumer group → pipeline
  --kafka-topic T          (default ${D.kafkaTopic})   --kafka-dlq-topic T (default ${D.kafkaDlqTopic})
  --kafka-group G          consumer group (default ${D.kafkaGroupId})
  --kafka-session-timeout-ms N   a dead instance's partitions move after N ms (default ${D.kafkaSessionTimeoutMs})
  --kafka-heartbeat-interval-ms N   (default ${D.kafkaHeartbeatIntervalMs})
  --redis-url URL          timelines, alerts and notifications in Redis (shared by instances)
  --redis-prefix P         key prefix (default ${D.redisPrefix})
  --profile FILE           site profile (JSON or YAML); its routing says who gets which tier on which channel
  --channels FILE          where the channels deliver: fhir, webhook, hl7-v2 (JSON or YAML; docs/channels/)
  --inbox-host H           clinician inbox and CDS Hooks (default ${D.inboxHost}; TLS with --tls-key/--tls-cert)
  --inbox-port P           (default ${D.inboxPort}; 0 = any free port)   --no-inbox: do not serve it
  --inbox-trust-proxy      a proxy in front sets X-Forwarded-For (audited client addresses)
  --database-url URL       PostgreSQL for the inbox's users, sessions, audit and the delivery ledger (needed with --redis-url)
  --database-schema S      (default ${D.databaseSchema})
  --cds-hooks FILE         serve CDS Hooks with these settings (JSON or YAML; docs/channels/cds-hooks.md)
  --shutdown-timeout-ms N  how long SIGTERM waits for in-flight work (default ${D.shutdownTimeoutMs})

SIGTERM or SIGINT stops it gracefully (in-flight messages are acknowledged, offsets committed);
a second signal exits at once.`;

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new SentinelError('USAGE', `${flag} must be an integer`);
  return n;
}

export async function runCommand(args: string[], io: Output, log: Logger, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { values } = parse(args, {
    'mllp-host': { type: 'string' }, 'mllp-port': { type: 'string' },
    'max-frame-bytes': { type: 'string' }, 'max-connections': { type: 'string' }, 'idle-timeout-ms': { type: 'string' },
    'max-connections-per-peer': { type: 'string' }, 'first-byte-timeout-ms': { type: 'string' }, 'frame-timeout-ms': { type: 'string' },
    'min-bytes-per-second': { type: 'string' }, 'min-rate-grace-ms': { type: 'string' }, 'unready-after-failing-ms': { type: 'string' },
    'kafka-session-timeout-ms': { type: 'string' }, 'kafka-heartbeat-interval-ms': { type: 'string' },
    'dead-letter-max-bytes': { type: 'string' }, 'dead-letter-max-bytes-per-peer': { type: 'string' },
    'dead-letter-keep-bytes': { type: 'string' }, 'dead-letter-alarm-ms': { type: 'string' },
    'tls-key': { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-ca': { type: 'string' }, 'tls-request-cert': { type: 'boolean' },
    'health-host': { type: 'string' }, 'health-port': { type: 'string' },
    db: { type: 'string' },
    'kafka-brokers': { type: 'string' }, 'kafka-topic': { type: 'string' }, 'kafka-dlq-topic': { type: 'string' }, 'kafka-group': { type: 'string' },
    'redis-url': { type: 'string' }, 'redis-prefix': { type: 'string' },
    profile: { type: 'string' }, 'shutdown-timeout-ms': { type: 'string' },
    channels: { type: 'string' },
    'inbox-host': { type: 'string' }, 'inbox-port': { type: 'string' }, 'no-inbox': { type: 'boolean' }, 'inbox-trust-proxy': { type: 'boolean' },
    'database-url': { type: 'string' }, 'database-schema': { type: 'string' }, 'cds-hooks': { type: 'string' },
  }, false);
  if (values.help) {
    io.out(RUN_HELP);
    return EXIT.ok;
  }
  const candidate = Object.fromEntries(Object.entries({
    mllpHost: values['mllp-host'], mllpPort: int(values['mllp-port'], '--mllp-port'),
    mllpMaxFrameBytes: int(values['max-frame-bytes'], '--max-frame-bytes'),
    mllpMaxConnections: int(values['max-connections'], '--max-connections'),
    mllpIdleTimeoutMs: int(values['idle-timeout-ms'], '--idle-timeout-ms'),
    mllpMaxConnectionsPerPeer: int(values['max-connections-per-peer'], '--max-connections-per-peer'),
    mllpFirstByteTimeoutMs: int(values['first-byte-timeout-ms'], '--first-byte-timeout-ms'),
    mllpFrameTimeoutMs: int(values['frame-timeout-ms'], '--frame-timeout-ms'),
    mllpMinBytesPerSecond: int(values['min-bytes-per-second'], '--min-bytes-per-second'),
    mllpMinRateGraceMs: int(values['min-rate-grace-ms'], '--min-rate-grace-ms'),
    mllpUnreadyAfterFailingMs: int(values['unready-after-failing-ms'], '--unready-after-failing-ms'),
    deadLetterMaxBytes: int(values['dead-letter-max-bytes'], '--dead-letter-max-bytes'),
    deadLetterMaxBytesPerPeer: int(values['dead-letter-max-bytes-per-peer'], '--dead-letter-max-bytes-per-peer'),
    deadLetterKeepBytes: int(values['dead-letter-keep-bytes'], '--dead-letter-keep-bytes'),
    deadLetterAlarmMs: int(values['dead-letter-alarm-ms'], '--dead-letter-alarm-ms'),
    kafkaSessionTimeoutMs: int(values['kafka-session-timeout-ms'], '--kafka-session-timeout-ms'),
    kafkaHeartbeatIntervalMs: int(values['kafka-heartbeat-interval-ms'], '--kafka-heartbeat-interval-ms'),
    tlsKey: values['tls-key'], tlsCert: values['tls-cert'], tlsCa: values['tls-ca'], tlsRequestCert: values['tls-request-cert'],
    healthHost: values['health-host'], healthPort: int(values['health-port'], '--health-port'),
    dbPath: values.db,
    kafkaBrokers: values['kafka-brokers']?.split(',').map((b) => b.trim()).filter(Boolean),
    kafkaTopic: values['kafka-topic'], kafkaDlqTopic: values['kafka-dlq-topic'], kafkaGroupId: values['kafka-group'],
    redisUrl: values['redis-url'], redisPrefix: values['redis-prefix'],
    profilePath: values.profile, channelsPath: values.channels, shutdownTimeoutMs: int(values['shutdown-timeout-ms'], '--shutdown-timeout-ms'),
    inbox: values['no-inbox'] ? false : undefined, inboxHost: values['inbox-host'], inboxPort: int(values['inbox-port'], '--inbox-port'),
    inboxTrustProxy: values['inbox-trust-proxy'], databaseUrl: values['database-url'], databaseSchema: values['database-schema'], cdsHooksConfig: values['cds-hooks'],
  }).filter(([, v]) => v !== undefined));
  const parsed = ServiceConfig.safeParse(candidate);
  if (!parsed.success) {
    throw new SentinelError('USAGE', `invalid options:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const config = Object.freeze(parsed.data);
  const service = await startService(config, loadProfile(config.profilePath), log);

  await new Promise<void>((resolve) => {
    let signalled = 0;
    const onSignal = (signal: string): void => {
      signalled += 1;
      if (signalled > 1) {
        io.err(`second ${signal}: exiting now`);
        process.exit(EXIT.failure);
      }
      io.out(`${signal}: stopping (in-flight messages finish; a second signal exits at once)`);
      const timer = setTimeout(() => {
        io.err('shutdown timed out: exiting');
        process.exit(EXIT.failure);
      }, config.shutdownTimeoutMs + 5_000);
      timer.unref();
      void service.stop().then(resolve, (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    signals.on('SIGTERM', () => onSignal('SIGTERM'));
    signals.on('SIGINT', () => onSignal('SIGINT'));
    // printed once the handlers are in place: a supervisor that signals as soon as it reads the
    // line must not meet the default action (an immediate exit, nothing acknowledged)
    if (service.inbox) io.out(`poems-sentinel inbox: ${service.inbox.url}`);
    io.out(`poems-sentinel running: state=${service.mode.state} ingress=${service.mode.ingress} mllp=${config.mllpHost}:${service.mllpPort} health=${config.healthHost}:${service.healthPort}`);
  });
  io.out('stopped');
  return EXIT.ok;
}
