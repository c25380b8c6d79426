import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../testkit/redis.js';
import { publishToIngress } from '../../src/consumers/kafka/ingress.js';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import type { IngressAdmin, IngressProducer } from '../../src/consumers/kafka/transport.js';
import { killServiceProcesses, startServiceProcess, until, type ServiceProcess } from '../support/service-process.js';
import { kafkaService, redisService } from '../support/services.js';
import { caughtUp } from '../support/wait.js';

/**
 * Two `poems-sentinel run` processes in one consumer group; one is killed with SIGKILL (it never
 * leaves the group). With the default session timeout and heartbeat, its partitions must be
 * consumed by the survivor well before kafkajs's own 30 s default would have let them. The time
 * measured is attached to the test as an annotation. Synthetic messages only.
 */

const [kafka, redis] = await Promise.all([kafkaService(), redisService()]);
const available = kafka.available && redis.available;
const skipReason = [kafka, redis].filter((s) => !s.available).map((s) => s.reason).join('; ');
const log = pino({ level: 'silent' });
const PARTITIONS = 4;
/** the wait for the survivor: well under the old 30 s session, and above the 6 s + 1 s of the defaults */
const FAILOVER_BOUND_MS = 20_000;

let seq = 0;
function oru(): string {
  seq += 1;
  return [
    `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|FO${process.pid}-${seq}|P|2.5.1`,
    `PID|1||FO${process.pid}${seq}^^^SYNTH^MR||TESTPATIENT^FAILOVER||19700101|F`,
    'OBR|1|PL0001|FL0001^SYNTHLAB|777-3^Platelets^LN|||20250301100000',
    'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F',
  ].join('\r');
}

describe.skipIf(!available)(`when one of two instances is killed${available ? '' : ` (skipped: ${skipReason})`}`, () => {
  const topic = `test-failover-${randomUUID()}`;
  const dlq = `test-failover-dlq-${randomUUID()}`;
  const group = `test-failover-${randomUUID()}`;
  const prefix = `test-failover-${randomUUID()}:`;
  let admin: IngressAdmin;
  let producer: IngressProducer;

  const publish = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const text = oru();
      await publishToIngress(producer, { text, bytes: Buffer.from(text), origin: 'mllp:failover-test', receivedAt: new Date().toISOString() }, topic);
    }
  };
  const start = (): Promise<ServiceProcess> =>
    startServiceProcess(['--kafka-brokers', kafka.url, '--redis-url', redis.url, '--redis-prefix', prefix, '--kafka-topic', topic, '--kafka-dlq-topic', dlq, '--kafka-group', group]);

  beforeAll(async () => {
    const transport = createKafkajsTransport({ brokers: kafka.url.split(','), log, clientId: 'failover-setup' });
    admin = await transport.admin();
    await admin.ensureTopics([topic, dlq], PARTITIONS);
    producer = await transport.producer();
  }, 60_000);

  afterAll(async () => {
    await killServiceProcesses();
    await producer?.close();
    await admin?.deleteTopics([topic, dlq]).catch(() => undefined);
    await admin?.deleteGroups([group]).catch(() => undefined);
    await admin?.close();
    const cleaner = new Redis(redis.url);
    await deleteByPrefix(cleaner, prefix);
    await cleaner.quit();
  }, 60_000);

  it('the survivor consumes the dead instance\'s partitions within the bound', { timeout: 120_000 }, async ({ annotate }) => {
    const a = await start();
    await until('instance A to be ready', async () => (await a.get('/readyz')) === 200, 30_000);
    await publish(20);
    await until('A to consume the first records', () => caughtUp(admin, group, topic), 30_000);

    const b = await start();
    await until('instance B to join the group', async () => (await b.get('/readyz')) === 200, 30_000);
    await until('A to be back after the rebalance', async () => (await a.get('/readyz')) === 200, 30_000);
    await publish(20);
    await until('both to consume', () => caughtUp(admin, group, topic), 30_000);

    b.kill('SIGKILL');
    await b.exited;
    const killedAt = Date.now();
    await publish(40); // spread over every partition, the dead instance's included
    await until('the survivor to consume every partition', () => caughtUp(admin, group, topic), FAILOVER_BOUND_MS, 50);
    const failoverMs = Date.now() - killedAt;
    await annotate(`fail-over after SIGKILL: ${failoverMs} ms`);
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);
    expect(a.exit).toBeUndefined();
  });
});
