import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ServiceConfig } from '../../src/config/service.schema.js';

/**
 * docker-compose.yml and the Dockerfile, read (no Docker engine needed) and checked against the
 * README, infra/kafka/pom.xml and the service's defaults, so that packaging cannot drift from
 * what was checked and documented.
 */

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const readme = readFileSync('README.md', 'utf8');
const pom = readFileSync('infra/kafka/pom.xml', 'utf8');
const defaults = ServiceConfig.parse({});

/** Dockerfile instructions of the final stage, continuation lines joined, comments dropped. */
function finalStage(): { op: string; args: string }[] {
  const text = readFileSync('infra/docker/Dockerfile', 'utf8').replace(/\\\n/g, ' ');
  const instructions = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
  const lastFrom = instructions.map((i) => i.op).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

/** A service's named volume mounts: volume name → path in the container. */
function mounts(service: ComposeService): Map<string, string> {
  return new Map((service.volumes ?? []).map((v) => v.split(':') as [string, string]));
}

describe('docker-compose.yml', () => {
  const kafka = compose.services.kafka as ComposeService;

  it('runs the Kafka version the README and infra/kafka/pom.xml name as checked', () => {
    const checked = /The broker is \*\*Apache Kafka (\d+\.\d+\.\d+)\*\*/.exec(readme)?.[1];
    expect(checked).toBeDefined();
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(checked);
    expect(kafka.image).toBe(`apache/kafka:${checked}`);
  });

  it("keeps Kafka's log directory on the kafka-data volume", () => {
    const logDirs = String(kafka.environment?.KAFKA_LOG_DIRS ?? '').split(',');
    const volume = mounts(kafka).get('kafka-data');
    expect(volume).toBeDefined();
    for (const dir of logDirs) expect(posix.relative(volume as string, dir)).not.toMatch(/^\.\.|^\//);
    expect(compose.volumes).toHaveProperty('kafka-data');
  });

  it("keeps Redis's append-only file on the redis-data volume", () => {
    const redis = compose.services.redis as ComposeService;
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(mounts(redis).get('redis-data')).toBe('/data');
  });

  it("gives the service its data volume, its ports, and more time to stop than its own shutdown bound", () => {
    const service = compose.services['poems-sentinel'] as ComposeService;
    expect(mounts(service).get('sentinel-data')).toBe('/app/data');
    expect(service.ports).toEqual([`${defaults.mllpPort}:${defaults.mllpPort}`, `${defaults.healthPort}:${defaults.healthPort}`]);
    const grace = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]);
    expect(grace * 1000).toBeGreaterThan(defaults.shutdownTimeoutMs + 5_000);
  });
});

describe('the Dockerfile', () => {
  const stage = finalStage();
  const index = (op: string, match: RegExp = /./): number => stage.findIndex((i) => i.op === op && match.test(i.args));

  it('runs as the unprivileged node user, with the default database directory created and owned by it first', () => {
    const workdir = stage.find((i) => i.op === 'WORKDIR')?.args ?? '';
    const dataDir = posix.dirname(posix.resolve(workdir, defaults.dbPath));
    expect(dataDir).toBe('/app/data');
    const user = index('USER', /^node$/);
    const created = index('RUN', new RegExp(`mkdir -p ${dataDir}.*chown node:node ${dataDir}`));
    expect(user).toBeGreaterThan(0);
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(user);
    expect(stage.find((i) => i.op === 'VOLUME')?.args).toBe(dataDir);
  });

  it('exposes the default ports and probes liveness, not readiness', () => {
    expect(stage.find((i) => i.op === 'EXPOSE')?.args).toBe(`${defaults.mllpPort} ${defaults.healthPort}`);
    const healthcheck = stage.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toContain(`http://127.0.0.1:${defaults.healthPort}/healthz`);
  });
});
