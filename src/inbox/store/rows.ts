import { Recipient } from '../../domain/recipient.js';
import { Tier } from '../../domain/tier.js';
import { Role } from '../auth/role.js';
import { AuditEntry } from './audit.store.js';
import type { InboxItem } from './inbox-item.store.js';
import type { Session } from './session.store.js';
import type { ApiToken } from './token.store.js';
import type { UserRecord } from './user.store.js';

/**
 * Rows of the inbox tables as either database returns them, and the one mapping of each to the
 * port's type: SQLite gives text timestamps, JSON text and 0/1, PostgreSQL gives Date objects
 * (timestamptz), parsed JSONB, booleans and BIGINT as text.
 */
type Instant = string | Date;
type Json<T> = string | T;

/** timestamptz (Date) or ISO text → ISO text. */
export function isoOf(v: Instant): string {
  return v instanceof Date ? v.toISOString() : v;
}

function isoOrNull(v: Instant | null): string | null {
  return v === null ? null : isoOf(v);
}

function json<T>(v: Json<T>): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

export interface UserRow {
  username: string;
  display_name: string;
  role: string;
  provider_ids: Json<string[]>;
  pools: Json<string[]>;
  disabled: number | boolean;
  password_hash: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export function userOfRow(r: UserRow): UserRecord {
  return {
    username: r.username,
    displayName: r.display_name,
    role: Role.parse(r.role),
    providerIds: json(r.provider_ids),
    pools: json(r.pools),
    disabled: r.disabled === true || r.disabled === 1,
    passwordHash: r.password_hash,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
  };
}

export interface SessionRow {
  id_digest: string;
  username: string;
  csrf_token: string;
  created_at: Instant;
  last_seen_at: Instant;
  expires_at: Instant;
  ip: string;
}

export function sessionOfRow(r: SessionRow): Session {
  return { idDigest: r.id_digest, username: r.username, csrfToken: r.csrf_token, createdAt: isoOf(r.created_at), lastSeenAt: isoOf(r.last_seen_at), expiresAt: isoOf(r.expires_at), ip: r.ip };
}

export interface TokenRow {
  id: string;
  username: string;
  label: string;
  digest: string;
  created_at: Instant;
  expires_at: Instant | null;
  revoked_at: Instant | null;
  last_used_at: Instant | null;
}

export function tokenOfRow(r: TokenRow): ApiToken {
  return { id: r.id, username: r.username, label: r.label, digest: r.digest, createdAt: isoOf(r.created_at), expiresAt: isoOrNull(r.expires_at), revokedAt: isoOrNull(r.revoked_at), lastUsedAt: isoOrNull(r.last_used_at) };
}

export interface AuditRow {
  seq: number | string;
  at: Instant;
  actor: string;
  role: string | null;
  action: string;
  outcome: string;
  alert_id: string | null;
  alert_version: number | null;
  ip: string | null;
  via: string;
  detail: string;
}

export function auditEntryOfRow(r: AuditRow): AuditEntry {
  return AuditEntry.parse({
    seq: Number(r.seq), at: isoOf(r.at), actor: r.actor, role: r.role, action: r.action, outcome: r.outcome,
    alertId: r.alert_id, alertVersion: r.alert_version, ip: r.ip, via: r.via, detail: r.detail,
  });
}

export interface ItemRow {
  alert_id: string;
  recipient: Json<unknown>;
  notification_key: string;
  tier: string;
  first_delivered_at: Instant;
  last_delivered_at: Instant;
}

export function itemOfRow(r: ItemRow): InboxItem {
  return {
    alertId: r.alert_id,
    recipient: Recipient.parse(json(r.recipient)),
    notificationKey: r.notification_key,
    tier: Tier.parse(r.tier),
    firstDeliveredAt: isoOf(r.first_delivered_at),
    lastDeliveredAt: isoOf(r.last_delivered_at),
  };
}
