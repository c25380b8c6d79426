import { inject } from 'vitest';
import { answers } from '../../testkit/ports.js';

/**
 * Where the integration tests find real services: environment variables first (CI exports
 * them after starting the services from infra/), then the conventional local ports, else the
 * test is skipped with a visible reason — except under REQUIRE_SERVICES=1 (CI), where a
 * missing service fails the run instead of skipping it.
 *
 * Third, where a Docker engine answers, test/global-setup.ts starts containers through
 * testcontainers and provides their addresses (`inject`).
 */
export interface ServiceProbe { available: boolean; url: string; reason: string }

async function probe(name: string, envVar: string, provided: string | undefined, fallback: string, hostPort: (url: string) => [string, number]): Promise<ServiceProbe> {
  const url = process.env[envVar] ?? provided ?? fallback;
  const [host, port] = hostPort(url);
  if (await answers(host, port)) return { available: true, url, reason: '' };
  const reason = `${name} not reachable at ${url} (set ${envVar}, start it with infra/ (see infra/README.md), or run a Docker engine for testcontainers)`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`REQUIRE_SERVICES=1 but ${reason}`);
  // eslint-disable-next-line no-console
  console.warn(`skipping: ${reason}`);
  return { available: false, url, reason };
}

export function redisService(): Promise<ServiceProbe> {
  return probe('Redis', 'REDIS_URL', inject('redisUrl'), 'redis://127.0.0.1:6379', (url) => {
    const u = new URL(url);
    return [u.hostname, Number(u.port || 6379)];
  });
}

export function kafkaService(): Promise<ServiceProbe> {
  return probe('Kafka', 'KAFKA_BROKERS', inject('kafkaBrokers'), '127.0.0.1:9092', (brokers) => {
    const [host = '127.0.0.1', port = '9092'] = (brokers.split(',')[0] ?? '').split(':');
    return [host, Number(port)];
  });
}

/**
 * PostgreSQL (the inbox's users, sessions and audit, and the delivery ledger in distributed
 * mode). `DATABASE_URL`, else the machine's server on 127.0.0.1:5432 (database `test`). Tests use
 * a schema of their own and drop it afterwards.
 */
export function postgresService(): Promise<ServiceProbe> {
  return probe('PostgreSQL', 'DATABASE_URL', undefined, 'postgres://postgres@127.0.0.1:5432/test', (url) => {
    const u = new URL(url);
    return [u.hostname, Number(u.port || 5432)];
  });
}
