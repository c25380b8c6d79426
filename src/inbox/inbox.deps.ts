import type { Alert } from '../domain/alert.js';
import type { Explanation } from '../rules/explain.js';
import type { AlertActionService } from './actions/alert-action.service.js';
import type { AlertAccess } from './alert-access.js';
import type { AuthService } from './auth/auth.service.js';
import type { RequestAuth } from './http/request-auth.js';
import type { AuditLog } from './store/audit.store.js';

/** The `alerts explain` view of an alert's patient (the composition root reads the timeline and the profile). */
export type ExplainLookup = (alert: Alert) => Promise<Explanation | null>;

/** What the inbox's route modules use; built once by buildInboxServer. */
export interface InboxRouteDeps {
  access: AlertAccess;
  actions: AlertActionService;
  auth: AuthService;
  requestAuth: RequestAuth;
  audit: AuditLog;
  explain: ExplainLookup | undefined;
  clock: () => Date;
}
