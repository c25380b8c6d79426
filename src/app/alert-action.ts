import type { Alert } from '../domain/alert.js';
import { SentinelError } from '../errors.js';
import { AlertActionService } from '../inbox/actions/alert-action.service.js';
import type { AlertAction } from '../inbox/actions/alert-action.js';
import type { AuditEntry, AuditLog } from '../inbox/store/audit.store.js';
import { SqliteAuditLog } from '../inbox/store/sqlite/sqlite-audit.store.js';
import { INBOX_SQLITE_SCHEMA } from '../inbox/store/sqlite/inbox-schema.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import type { AlertStore } from '../store/timeline-store.js';

export interface OperatorActionDeps {
  alerts: AlertStore;
  /** the inbox's audit trail; absent where there is none (Redis state without PostgreSQL, the inbox off) */
  audit?: AuditLog;
  /** commits the alert store before the action is answered (the service's group commit) */
  flush?: () => Promise<void>;
  clock: () => Date;
}

/** No audit trail to write to: the action still goes the one path, and the alert's history records it. */
const NO_AUDIT: AuditLog = {
  append: async (entry): Promise<AuditEntry> => ({ ...entry, seq: 1 }),
  list: async () => [],
};

/**
 * An operator's action (the CLI's `alerts ack|dismiss|snooze`, through the running service's
 * admin endpoint or directly): the inbox's action service, the one path for every alert action
 * (compare-and-set with re-reads, audit entry with the operator as actor and `via: cli`). Null:
 * no such alert. A refused action (a snooze in the past, or longer than the inbox allows) is a
 * usage error.
 */
export async function actOnAlert(deps: OperatorActionDeps, id: string, action: AlertAction, by: string, ip: string | null = null): Promise<Alert | null> {
  const service = new AlertActionService({ alerts: deps.alerts, audit: deps.audit ?? NO_AUDIT, clock: deps.clock, ...(deps.flush ? { flush: deps.flush } : {}) });
  let outcome: Awaited<ReturnType<AlertActionService['act']>>;
  try {
    outcome = await service.act(id, action, { name: by || 'operator', role: null, ip, via: 'cli' });
  } catch (err) {
    // the service gives up after a few re-reads when re-evaluations keep winning the race
    if (err instanceof Error && /kept changing/.test(err.message)) throw new AlertKeptChanging(err.message);
    throw err;
  }
  if (outcome.ok) return outcome.alert;
  if (outcome.problem === 'not-found') return null;
  if (outcome.problem === 'invalid') throw new SentinelError('USAGE', outcome.detail);
  throw new AlertKeptChanging(`alert ${id} changed meanwhile`);
}

export class AlertKeptChanging extends Error {
  constructor(message: string) {
    super(`${message}; run the command again`);
    this.name = 'AlertKeptChanging';
  }
}

/** The audit trail in the embedded state's file (the CLI writing directly: no service runs). */
export function embeddedAudit(db: SqliteDatabase): AuditLog {
  db.db.exec(INBOX_SQLITE_SCHEMA);
  return new SqliteAuditLog(db);
}

// the alerts command works through these (cli/ imports app/, never an adapter)
export { AlertAction } from '../inbox/actions/alert-action.js';
export { isBusy } from '../store/sqlite-busy.js';
