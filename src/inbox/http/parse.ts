import type { z } from 'zod';
import { InboxProblem } from './problem.js';

/** Validates a request part; a failure names the fields, never their values (they may hold patient data). */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new InboxProblem('INBOX_BAD_REQUEST', 'the request does not validate', {
    errors: r.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
  });
}

/** "2025-03-01" (a day, from its start in UTC) or an ISO instant → an ISO instant. */
export function isoInstant(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
