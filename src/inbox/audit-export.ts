import type { AuditEntry } from './store/audit.store.js';

export const AUDIT_COLUMNS = ['seq', 'at', 'actor', 'role', 'action', 'outcome', 'alertId', 'alertVersion', 'ip', 'via', 'detail'] as const satisfies readonly (keyof AuditEntry)[];

/**
 * RFC 4180 CSV. A cell that a spreadsheet would run as a formula (= + - @, tab, CR) is
 * prefixed with an apostrophe: an account name typed at the login form must not execute in the
 * auditor's spreadsheet (OWASP "CSV injection").
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_COLUMNS.join(',')];
  for (const e of entries) lines.push(AUDIT_COLUMNS.map((c) => csvCell(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
