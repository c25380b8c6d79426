import { randomBytes } from 'node:crypto';
import type { Role } from './role.js';
import type { AuditAction, AuditLog } from '../store/audit.store.js';
import type { SessionStore } from '../store/session.store.js';
import type { ApiToken, TokenStore } from '../store/token.store.js';
import { User, type UserStore } from '../store/user.store.js';
import { hashPassword, passwordProblem, type ScryptCost } from './password.js';
import { randomSecret, secretDigest } from './secrets.js';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  providerIds?: string[];
  pools?: string[];
  /** absent: a machine account that signs in with API tokens only */
  password?: string;
}

export class UserAdminError extends Error {}

const TOKEN_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Account administration (`poems-sentinel users …`), every change audited with the operator's
 * name. Disabling an account ends its sessions at once; its API tokens stop working because
 * every token check reads the account.
 */
export class UserAdmin {
  constructor(private readonly deps: { users: UserStore; sessions: SessionStore; tokens: TokenStore; audit: AuditLog; clock: () => Date; operator: string; passwordCost?: ScryptCost }) {}

  async add(input: NewUser): Promise<User> {
    const at = this.now();
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password);
      if (problem) throw new UserAdminError(problem);
    }
    const parsed = User.safeParse({ ...input, providerIds: input.providerIds ?? [], pools: input.pools ?? [], disabled: false, createdAt: at, updatedAt: at });
    if (!parsed.success) throw new UserAdminError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password, this.deps.passwordCost);
    if (!(await this.deps.users.add({ ...parsed.data, passwordHash }))) throw new UserAdminError(`the account ${parsed.data.username} exists already`);
    await this.audit('user-add', parsed.data.username, `role=${parsed.data.role}`);
    return parsed.data;
  }

  async setDisabled(username: string, disabled: boolean): Promise<void> {
    if (!(await this.deps.users.setDisabled(username, disabled, this.now()))) throw new UserAdminError(`no account ${username}`);
    if (disabled) await this.deps.sessions.deleteForUser(username);
    await this.audit(disabled ? 'user-disable' : 'user-enable', username, '');
  }

  async setPassword(username: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new UserAdminError(problem);
    if (!(await this.deps.users.setPassword(username, await hashPassword(password, this.deps.passwordCost), this.now()))) throw new UserAdminError(`no account ${username}`);
    await this.deps.sessions.deleteForUser(username);
    await this.audit('password-set', username, '');
  }

  /** A new API token; the returned `token` is the only copy (the store keeps its digest). */
  async createToken(username: string, label: string, expiresAt: string | null = null): Promise<{ token: string; record: ApiToken }> {
    const user = await this.deps.users.get(username);
    if (!user) throw new UserAdminError(`no account ${username}`);
    if (user.disabled) throw new UserAdminError(`the account ${username} is disabled`);
    const id = tokenId();
    const secret = randomSecret();
    const record: ApiToken = { id, username: user.username, label, digest: secretDigest(secret), createdAt: this.now(), expiresAt, revokedAt: null, lastUsedAt: null };
    await this.deps.tokens.add(record);
    await this.audit('token-create', user.username, `token=${id}`);
    return { token: `pst_${id}_${secret}`, record };
  }

  async revokeToken(id: string): Promise<void> {
    const record = await this.deps.tokens.get(id);
    if (!record || !(await this.deps.tokens.revoke(id, this.now()))) throw new UserAdminError(`no active token ${id}`);
    await this.audit('token-revoke', record.username, `token=${id}`);
  }

  list(): Promise<User[]> {
    return this.deps.users.list();
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  /** The account acted on is named in `detail`; `actor` is the operator. */
  private async audit(action: AuditAction, username: string, detail: string): Promise<void> {
    await this.deps.audit.append({ at: this.now(), actor: this.deps.operator, role: null, action, outcome: 'ok', alertId: null, alertVersion: null, ip: null, via: 'cli', detail: [`account=${username}`, detail].filter(Boolean).join(' ') });
  }
}

function tokenId(): string {
  return [...randomBytes(16)].map((b) => TOKEN_ID_ALPHABET[b % TOKEN_ID_ALPHABET.length]).join('');
}
