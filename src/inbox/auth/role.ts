import { z } from 'zod';

/**
 * Who may do what in the inbox. Least privilege: a clinician sees and acts on the alerts routed
 * to them; a reviewer sees and acts on every alert (a safety net, e.g. a haematologist reviewing
 * the service's output); an admin sees every alert and manages accounts but takes no clinical
 * action; an auditor reads and exports the audit trail and sees no alert.
 */
export const Role = z.enum(['clinician', 'reviewer', 'admin', 'auditor']);
export type Role = z.infer<typeof Role>;

export type Permission = 'alerts:read-routed' | 'alerts:read-all' | 'alerts:act' | 'audit:read' | 'users:manage';

const GRANTS: Record<Role, readonly Permission[]> = {
  clinician: ['alerts:read-routed', 'alerts:act'],
  reviewer: ['alerts:read-routed', 'alerts:read-all', 'alerts:act'],
  admin: ['alerts:read-routed', 'alerts:read-all', 'users:manage'],
  auditor: ['audit:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** A role that reads alerts at all (the list page is its home page). */
export function readsAlerts(role: Role): boolean {
  return can(role, 'alerts:read-routed');
}
