import { acknowledge, dismiss, snooze } from '../../alerts/alert-actions.js';
import type { Alert } from '../../domain/alert.js';
import type { AlertStore } from '../../store/timeline-store.js';
import type { Role } from '../auth/role.js';
import type { InboxMetrics } from '../metrics.js';
import type { AuditLog, AuditVia } from '../store/audit.store.js';
import { MAX_SNOOZE_DAYS, type AlertAction } from './alert-action.js';
import { dwellSeconds } from './dwell.js';

/** Who acts, and from where (the audit trail's "who" and "from where"). */
export interface Actor {
  name: string;
  role: Role | null;
  ip: string | null;
  via: AuditVia;
}

export type ActionOutcome =
  | { ok: true; alert: Alert; dwellSeconds: number | null }
  | { ok: false; problem: 'not-found' }
  | { ok: false; problem: 'version-conflict'; current: Alert }
  | { ok: false; problem: 'invalid'; detail: string };

export interface AlertActionServiceDeps {
  alerts: AlertStore;
  audit: AuditLog;
  metrics?: InboxMetrics;
  /** commits the alert store (embedded: the SQLite group transaction) before the action is answered */
  flush?: () => Promise<void>;
  clock: () => Date;
}

/** Rule re-evaluations racing an action (no version named by the caller): read and try again this often. */
const MAX_ATTEMPTS = 5;

/**
 * Every clinician action goes through here, whatever the door (inbox page, REST API, CDS Hooks
 * feedback): the pure actions of alerts/alert-actions.ts, saved with compare-and-set on the
 * alert's version, one audit entry, the action counter and the dwell histogram.
 *
 * `expectedVersion` is the version the clinician saw: when the alert changed since (the rule
 * escalated it), the action is refused as a conflict rather than applied to evidence they have
 * not read. Without it (CDS Hooks feedback names no version) a lost race is retried.
 */
export class AlertActionService {
  constructor(private readonly deps: AlertActionServiceDeps) {}

  async act(alertId: string, action: AlertAction, actor: Actor, expectedVersion?: number): Promise<ActionOutcome> {
    const now = this.deps.clock().toISOString();
    if (action.kind === 'snooze') {
      const problem = snoozeProblem(action.until, now);
      if (problem) return { ok: false, problem: 'invalid', detail: problem };
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const alert = await this.deps.alerts.getById(alertId);
      if (!alert) {
        await this.audit(actor, action, now, alertId, null, 'failed', 'no such alert');
        return { ok: false, problem: 'not-found' };
      }
      if (expectedVersion !== undefined && alert.version !== expectedVersion) {
        await this.audit(actor, action, now, alert.id, expectedVersion, 'failed', `the alert changed: version ${alert.version} is current`);
        return { ok: false, problem: 'version-conflict', current: alert };
      }
      const next = apply(alert, action, now, actor.name);
      if (!(await this.deps.alerts.replace(next, alert.version))) {
        if (expectedVersion !== undefined) {
          const current = (await this.deps.alerts.getById(alertId)) ?? alert;
          await this.audit(actor, action, now, alert.id, expectedVersion, 'failed', `the alert changed: version ${current.version} is current`);
          return { ok: false, problem: 'version-conflict', current };
        }
        continue;
      }
      await this.deps.flush?.();
      const dwell = dwellSeconds(alert, now);
      await this.audit(actor, action, now, alert.id, alert.version, 'ok', detailOf(action, dwell, next.version));
      this.deps.metrics?.actions.inc({ action: action.kind, rule_version: alert.ruleVersion, via: actor.via });
      if (dwell !== null) this.deps.metrics?.dwell.observe({ action: action.kind, tier: alert.tier }, dwell);
      return { ok: true, alert: next, dwellSeconds: dwell };
    }
    throw new Error(`alert ${alertId} kept changing during ${MAX_ATTEMPTS} attempts to record an action`);
  }

  private async audit(actor: Actor, action: AlertAction, at: string, alertId: string, version: number | null, outcome: 'ok' | 'failed', detail: string): Promise<void> {
    await this.deps.audit.append({ at, actor: actor.name, role: actor.role, action: action.kind, outcome, alertId, alertVersion: version, ip: actor.ip, via: actor.via, detail });
  }
}

function apply(alert: Alert, action: AlertAction, now: string, by: string): Alert {
  switch (action.kind) {
    case 'acknowledge':
      return acknowledge(alert, now, by);
    case 'dismiss':
      return dismiss(alert, now, action.reason, action.note, by);
    case 'snooze':
      return snooze(alert, now, new Date(action.until).toISOString(), by);
  }
}

function snoozeProblem(until: string, now: string): string | null {
  const t = Date.parse(until);
  if (Number.isNaN(t)) return 'snooze needs a date';
  if (t <= Date.parse(now)) return 'a snooze ends in the future';
  if (t - Date.parse(now) > MAX_SNOOZE_DAYS * 86_400_000) return `a snooze lasts at most ${MAX_SNOOZE_DAYS} days (dismiss the alert instead)`;
  return null;
}

/** Coded, short, no free text: the note stays in the alert's history. */
function detailOf(action: AlertAction, dwell: number | null, newVersion: number): string {
  const parts = [`version=${newVersion}`];
  if (action.kind === 'dismiss') parts.push(`reason=${action.reason}`, ...(action.note ? ['note given'] : []));
  if (action.kind === 'snooze') parts.push(`until=${new Date(action.until).toISOString()}`);
  if (dwell !== null) parts.push(`dwell=${dwell}s`);
  return parts.join(' ');
}
