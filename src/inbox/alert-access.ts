import { z } from 'zod';
import { effectiveStatus } from '../alerts/alert-actions.js';
import type { Alert, AlertStatus } from '../domain/alert.js';
import { recipientKey } from '../domain/recipient.js';
import { tierRank, type Tier } from '../domain/tier.js';
import type { AlertStore } from '../store/timeline-store.js';
import { attentionSince } from './actions/dwell.js';
import type { Principal } from './auth/auth.service.js';
import { can } from './auth/role.js';
import type { InboxItem, InboxItemStore } from './store/inbox-item.store.js';
import { recipientKeysOf } from './store/user.store.js';

/** The list's status filter: `needs-action` = open (a snooze that ran out is open again). */
export const ListFilter = z.enum(['needs-action', 'acknowledged', 'snoozed', 'dismissed', 'withdrawn', 'all']);
export type ListFilter = z.infer<typeof ListFilter>;

export interface VisibleAlert {
  alert: Alert;
  /** as the inbox shows it (effectiveStatus) */
  status: AlertStatus;
  waitingSince: string;
}

export type Readable = { ok: true; alert: Alert; status: AlertStatus; recipients: InboxItem[] } | { ok: false; why: 'not-found' | 'forbidden' };

/**
 * Which alerts a principal sees: reviewers and admins every alert, a clinician those routed to
 * them (an inbox item for one of their provider ids or pools), an auditor none.
 */
export class AlertAccess {
  constructor(private readonly deps: { alerts: AlertStore; items: InboxItemStore; clock: () => Date }) {}

  scope(p: Principal): 'all' | 'routed' | 'none' {
    if (can(p.user.role, 'alerts:read-all')) return 'all';
    return can(p.user.role, 'alerts:read-routed') ? 'routed' : 'none';
  }

  /** Strongest tier first; within a tier, longest waiting first. */
  async list(p: Principal, filter: ListFilter, tier?: Tier): Promise<VisibleAlert[]> {
    const scope = this.scope(p);
    if (scope === 'none') return [];
    const now = this.deps.clock().toISOString();
    const routed = scope === 'routed' ? await this.deps.items.alertIdsFor(recipientKeysOf(p.user)) : null;
    const alerts = await this.deps.alerts.list(tier ? { tier } : {});
    return alerts
      .filter((a) => routed === null || routed.has(a.id))
      .map((alert) => ({ alert, status: effectiveStatus(alert, now), waitingSince: attentionSince(alert) }))
      .filter((v) => matches(v.status, filter))
      .sort((x, y) => tierRank(y.alert.tier) - tierRank(x.alert.tier) || Date.parse(x.waitingSince) - Date.parse(y.waitingSince) || x.alert.id.localeCompare(y.alert.id));
  }

  async read(p: Principal, alertId: string): Promise<Readable> {
    const scope = this.scope(p);
    if (scope === 'none') return { ok: false, why: 'forbidden' };
    const alert = await this.deps.alerts.getById(alertId);
    if (!alert) return { ok: false, why: 'not-found' };
    const recipients = await this.deps.items.recipientsOf(alert.id);
    if (scope === 'routed') {
      const mine = new Set(recipientKeysOf(p.user));
      if (!recipients.some((r) => mine.has(recipientKey(r.recipient)))) return { ok: false, why: 'forbidden' };
    }
    return { ok: true, alert, status: effectiveStatus(alert, this.deps.clock().toISOString()), recipients };
  }
}

function matches(status: AlertStatus, filter: ListFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'needs-action':
      return status === 'open';
    default:
      return status === filter;
  }
}
