import { z } from 'zod';

const Throttle = z.object({
  /** failed logins allowed per window */
  limit: z.number().int().positive(),
  windowMinutes: z.number().positive(),
}).strict();

/** Sessions and login throttling; every default here, once. */
export const AuthConfig = z.object({
  /** a session ends after this much inactivity (a ward computer left signed in) */
  sessionIdleMinutes: z.number().positive().max(24 * 60).default(30),
  /** and after this long whatever the activity */
  sessionMaxHours: z.number().positive().max(7 * 24).default(12),
  /** failed logins per account: 5 in 15 minutes, then the account waits out the window */
  perAccount: Throttle.default({ limit: 5, windowMinutes: 15 }),
  /** failed logins per client address, whatever the account (credential stuffing); a ward's NAT address signs many people in, so successes do not count */
  perAddress: Throttle.default({ limit: 30, windowMinutes: 15 }),
}).strict();
export type AuthConfig = z.infer<typeof AuthConfig>;
