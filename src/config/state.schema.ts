import { z } from 'zod';

/**
 * Where state lives, defined once: the service configuration takes these fields as they are, and
 * every command that opens state (replay, alerts) defaults to the same file and key prefix.
 */
export const STATE_DEFAULTS = {
  /** the embedded SQLite file, used when no Redis URL is given */
  dbPath: './data/sentinel.db',
  /** every Redis key (timelines, alerts, dead letters, the BullMQ queue) starts with it */
  redisPrefix: 'sentinel:',
} as const;

export const StateFields = {
  /** embedded state (used when no redisUrl is given) */
  dbPath: z.string().min(1).default(STATE_DEFAULTS.dbPath),
  /** redis://host:port; set = timelines, alerts and the notification queue live in Redis */
  redisUrl: z.string().url().optional(),
  redisPrefix: z.string().default(STATE_DEFAULTS.redisPrefix),
};
