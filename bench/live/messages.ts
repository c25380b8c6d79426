/** What the orchestrator and its worker threads (the load client, the consumer instances) exchange. */
import type { Worker } from 'node:worker_threads';

export interface OpenLoopRun { kind: 'open'; port: number; connections: number; rate: number; seconds: number }
export interface ClosedLoopRun { kind: 'closed'; port: number; connections: number; seconds: number; warmupSeconds: number }
export type ClientRun = OpenLoopRun | ClosedLoopRun;

export interface Latencies { p50: number; p99: number; max: number }

export interface LoadResult {
  /** messages sent / acknowledged (any code) in the measured window */
  sent: number;
  acked: number;
  notAa: number;
  /** messages whose send failed (the client fails a connection whose ACK names another message) */
  failed: number;
  firstError?: string;
  seconds: number;
  latenciesMs: Latencies;
  /** the open-loop sender fell behind its own schedule by this much at worst (client-side lateness) */
  maxSendLagMs: number;
  exhausted: boolean;
}

export type ConsumerState = { kind: 'sqlite'; dbPath: string } | { kind: 'redis'; url: string; prefix: string };
export interface ConsumerJob { name: string; brokers: string[]; topic: string; dlqTopic: string; groupId: string; state: ConsumerState }
export interface ConsumerReport {
  name: string;
  handled: number;
  committed: number;
  rejected: number;
  firstAt: number;
  lastFlushAt: number;
  /** event-loop utilisation of the instance's thread between its first record and its last flush */
  elu: number;
  /** the partitions of every assignment, with the time (s after the first record) it was seen */
  assignments: { at: number; partitions: number[] }[];
  crashes: number;
  failedBatches: number;
}

/** Resolves with the worker's first message of the given shape; rejects on a worker error. */
export function nextMessage<T>(worker: Worker, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>): void => {
      if ('error' in m) {
        cleanup();
        reject(new Error(String(m.error)));
      } else if (key in m) {
        cleanup();
        resolve(m[key] as T);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}
