/**
 * An API token for a machine (an interface engine, a reporting job): `pst_<id>_<secret>`. The
 * store keeps the id and the secret's digest; the token is shown once, when it is made.
 */
export interface ApiToken {
  id: string;
  username: string;
  label: string;
  digest: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface TokenStore {
  add(token: ApiToken): Promise<void>;
  get(id: string): Promise<ApiToken | null>;
  /** an account's tokens, or every token */
  list(username?: string): Promise<ApiToken[]>;
  /** false when there is no such token or it was revoked already */
  revoke(id: string, at: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}
