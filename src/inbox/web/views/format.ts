import type { AlertStatus } from '../../../domain/alert.js';

/** "45 min", "5 h", "3 d": how long an alert has waited, at a glance. */
export function age(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "2025-02-05 08:01 UTC": one zone for everyone reading the same alert. */
export function when(iso: string): string {
  return Number.isNaN(Date.parse(iso)) ? iso : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export const STATUS_LABEL: Record<AlertStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  dismissed: 'Dismissed',
  snoozed: 'Snoozed',
  withdrawn: 'Withdrawn',
};
