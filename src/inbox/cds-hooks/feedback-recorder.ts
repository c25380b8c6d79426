import type { AlertActionService } from '../actions/alert-action.service.js';
import type { CdsFeedbackRecorder, OverrideReason } from './ports.js';

/**
 * CDS Hooks feedback recorded through the inbox's action service, like any inbox action:
 * `accepted` acknowledges, `overridden` dismisses with the override's reason (`other` when the
 * EHR sent none). CDS Hooks does not say who acted: the actor is `cds-hooks:<client>` (the
 * EHR's JWT issuer when known), and the audit entry says where it came from.
 */
export function actionFeedbackRecorder(actions: AlertActionService, actorName = 'cds-hooks'): CdsFeedbackRecorder {
  return {
    async recordFeedback(alertId: string, outcome: 'accepted' | 'overridden', reason: OverrideReason | undefined): Promise<boolean> {
      const action = outcome === 'accepted'
        ? { kind: 'acknowledge' as const }
        : { kind: 'dismiss' as const, reason: reason?.reason ?? 'other', note: reason?.comment ?? '' };
      const result = await actions.act(alertId, action, { name: actorName, role: null, ip: null, via: 'cds-hooks' });
      return result.ok;
    },
  };
}
