import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import { ServiceConfig } from '../config/service.schema.js';
import { SentinelError } from '../errors.js';
import { startService } from '../service/service.js';
import { EXIT, parse, type Output } from './usage.js';

export const RUN_HELP = `Usage: poems-sentinel run [options]

Runs the service: an MLLP listener, the pipeline, the alert store, health endpoints.
Without --kafka-brokers and --redis-url it runs embedded (SQLite, no other service needed).

Options:
  --mllp-host H            bind address (default 127.0.0.1)
  --mllp-port P            MLLP port (default 2575; 0 = any free port)
  --max-frame-bytes N      largest message accepted (default 1048576)
  --max-connections N      concurrent MLLP connections (default 64)
  --idle-timeout-ms N      close idle MLLP connections after N ms (default 120000)
  --tls-key F --tls-cert F serve MLLP over TLS; --tls-ca F --tls-request-cert for mutual TLS
  --health-host H          (default 127.0.0.1)
  --health-port P          GET /healthz, GET /readyz (default 8080; 0 = any free port)
  --db FILE                embedded state (default ./data/sentinel.db)
  --kafka-brokers H:P,...  MLLP → Kafka topic hl7.inbound → consumer group → pipeline
  --kafka-topic T          (default hl7.inbound)   --kafka-dlq-topic T (default hl7.dlq)
  --kafka-group G          consumer group (default poems-sentinel)
  --redis-url URL          timelines, alerts and notifications in Redis (shared by instances)
  --redis-prefix P         key prefix (default sentinel:)
  --profile FILE           site profile (JSON or YAML)
  --shutdown-timeout-ms N  how long SIGTERM waits for in-flight work (default 15000)

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
    'tls-key': { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-ca': { type: 'string' }, 'tls-request-cert': { type: 'boolean' },
    'health-host': { type: 'string' }, 'health-port': { type: 'string' },
    db: { type: 'string' },
    'kafka-brokers': { type: 'string' }, 'kafka-topic': { type: 'string' }, 'kafka-dlq-topic': { type: 'string' }, 'kafka-group': { type: 'string' },
    'redis-url': { type: 'string' }, 'redis-prefix': { type: 'string' },
    profile: { type: 'string' }, 'shutdown-timeout-ms': { type: 'string' },
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
    tlsKey: values['tls-key'], tlsCert: values['tls-cert'], tlsCa: values['tls-ca'], tlsRequestCert: values['tls-request-cert'],
    healthHost: values['health-host'], healthPort: int(values['health-port'], '--health-port'),
    dbPath: values.db,
    kafkaBrokers: values['kafka-brokers']?.split(',').map((b) => b.trim()).filter(Boolean),
    kafkaTopic: values['kafka-topic'], kafkaDlqTopic: values['kafka-dlq-topic'], kafkaGroupId: values['kafka-group'],
    redisUrl: values['redis-url'], redisPrefix: values['redis-prefix'],
    profilePath: values.profile, shutdownTimeoutMs: int(values['shutdown-timeout-ms'], '--shutdown-timeout-ms'),
  }).filter(([, v]) => v !== undefined));
  const parsed = ServiceConfig.safeParse(candidate);
  if (!parsed.success) {
    throw new SentinelError('USAGE', `invalid options:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const config = Object.freeze(parsed.data);
  const service = await startService(config, loadProfile(config.profilePath), log);
  io.out(`poems-sentinel running: state=${service.mode.state} ingress=${service.mode.ingress} mllp=${config.mllpHost}:${service.mllpPort} health=${config.healthHost}:${service.healthPort}`);

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
  });
  io.out('stopped');
  return EXIT.ok;
}
