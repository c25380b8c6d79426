import { z } from 'zod';
import { Role } from '../auth/role.js';

/** Account names: lower case, so "DrNeuro" and "drneuro" are one account. */
export const Username = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'letters, digits, dot, dash or underscore; 2 to 64 characters');

/** An account as the inbox shows it (never its password hash). */
export const User = z.object({
  username: Username,
  displayName: z.string().trim().min(1).max(120),
  role: Role,
  /**
   * The provider identifiers (XCN-1, as routing records them) this person is known by: alerts
   * routed to them as ordering provider or attending reach their inbox.
   */
  providerIds: z.array(z.string().min(1)).default([]),
  /** the pools (site profile routing) whose alerts reach their inbox */
  pools: z.array(z.string().min(1)).default([]),
  disabled: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

/** `passwordHash` null: a machine account that signs in only with API tokens. */
export interface UserRecord extends User {
  passwordHash: string | null;
}

export interface UserStore {
  /** false when the name is taken */
  add(user: UserRecord): Promise<boolean>;
  get(username: string): Promise<UserRecord | null>;
  list(): Promise<User[]>;
  /** false when there is no such account */
  setDisabled(username: string, disabled: boolean, at: string): Promise<boolean>;
  setPassword(username: string, passwordHash: string, at: string): Promise<boolean>;
}

/** The recipient keys (domain/recipient.ts `recipientKey`) whose inbox items a user sees. */
export function recipientKeysOf(user: Pick<User, 'providerIds' | 'pools'>): string[] {
  return [
    ...user.providerIds.flatMap((id) => [`ordering-provider:${id}`, `attending:${id}`]),
    ...user.pools.map((pool) => `pool:${pool}`),
  ];
}
