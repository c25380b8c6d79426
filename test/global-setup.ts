import type { TestProject } from 'vitest/node';
import { answers, freePort } from '../testkit/ports.js';

/**
 * Where the integration tests' services come from, decided once per run:
 * 1. `REDIS_URL` / `KAFKA_BROKERS` from the environment (CI exports them after starting the
 *    services from infra/);
 * 2. else the conventional local ports (checked by test/support/services.ts);
 * 3. else, when a Docker engine answers, containers started here through testcontainers, and
 *    provided to the tests (`inject('redisUrl')`, `inject('kafkaBrokers')`);
 * 4. else the tests skip with the reason printed (or fail under REQUIRE_SERVICES=1).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    kafkaBrokers: string;
  }
}

interface Started { stop(): Promise<unknown> }

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: Started[] = [];
  const needRedis = !process.env.REDIS_URL && !(await answers('127.0.0.1', 6379));
  const needKafka = !process.env.KAFKA_BROKERS && !(await answers('127.0.0.1', 9092));
  if ((needRedis || needKafka) && (await dockerAnswers())) {
    const { GenericContainer, Wait } = await import('testcontainers');
    if (needRedis) {
      const redis = await new GenericContainer('redis:7').withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage('Ready to accept connections')).start();
      started.push(redis);
      project.provide('redisUrl', `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`);
    }
    if (needKafka) {
      // the advertised address must be the host's, so the host port is chosen before the start
      const port = await freePort();
      const kafka = await new GenericContainer('apache/kafka:4.1.0')
        .withExposedPorts({ container: 9092, host: port })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      started.push(kafka);
      project.provide('kafkaBrokers', `127.0.0.1:${port}`);
    }
  }
  return async () => {
    for (const container of started.reverse()) await container.stop();
  };
}
