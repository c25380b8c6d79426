import { acknowledge, dismiss, effectiveStatus, snooze } from '../alerts/alert-actions.js';
import { AlertStatus, DismissReason, type Alert } from '../domain/alert.js';
import { Tier } from '../domain/tier.js';
import { SentinelError } from '../errors.js';
import { SqliteAlertStore } from '../store/sqlite-alert.store.js';
import { SqliteDatabase } from '../store/sqlite-database.js';
import { EXIT, parse, type Output } from './usage.js';

export const ALERTS_HELP = `Usage: poems-sentinel alerts <list|export|ack|dismiss|snooze> [options]

  list    [--status S] [--tier T]     a table of alerts, newest first
  export  [--status S] [--tier T]     every alert as JSON Lines on stdout
  ack     <alert id> [--by NAME]
  dismiss <alert id> --reason R [--note TEXT]   R: ${DismissReason.options.join(', ')}
  snooze  <alert id> --until ISO-DATE

Options: --db FILE (default ./data/sentinel.db)`;

export async function alertsCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parse(args, {
    db: { type: 'string', default: './data/sentinel.db' },
    status: { type: 'string' },
    tier: { type: 'string' },
    by: { type: 'string' },
    reason: { type: 'string' },
    note: { type: 'string', default: '' },
    until: { type: 'string' },
  });
  const [action, id] = positionals;
  if (values.help || !action) {
    io.out(ALERTS_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const status = values.status === undefined ? undefined : AlertStatus.safeParse(values.status);
  const tier = values.tier === undefined ? undefined : Tier.safeParse(values.tier);
  if (status && !status.success) throw new SentinelError('USAGE', `--status must be one of ${AlertStatus.options.join(', ')}`);
  if (tier && !tier.success) throw new SentinelError('USAGE', `--tier must be one of ${Tier.options.join(', ')}`);
  const db = new SqliteDatabase(values.db as string);
  const store = new SqliteAlertStore(db);
  try {
    const now = new Date().toISOString();
    if (action === 'list' || action === 'export') {
      const alerts = await store.list({ ...(status?.data ? { status: status.data } : {}), ...(tier?.data ? { tier: tier.data } : {}) });
      if (action === 'export') alerts.forEach((a) => io.out(JSON.stringify(a)));
      else printTable(alerts, now, io);
      return EXIT.ok;
    }
    if (!id) throw new SentinelError('USAGE', `alerts ${action} needs an alert id`);
    const alert = await store.getById(id);
    if (!alert) throw new SentinelError('USAGE', `no alert with id ${id}`);
    let next: Alert;
    if (action === 'ack') next = acknowledge(alert, now, values.by ?? '');
    else if (action === 'dismiss') {
      const reason = DismissReason.safeParse(values.reason);
      if (!reason.success) throw new SentinelError('USAGE', `--reason must be one of ${DismissReason.options.join(', ')}`);
      next = dismiss(alert, now, reason.data, values.note as string);
    } else if (action === 'snooze') {
      if (!values.until || Number.isNaN(Date.parse(values.until))) throw new SentinelError('USAGE', '--until needs an ISO date');
      next = snooze(alert, now, new Date(values.until).toISOString());
    } else throw new SentinelError('USAGE', `unknown alerts action "${action}"`);
    // compare-and-set: a running service may have re-evaluated the alert since it was read
    if (!(await store.replace(next, alert.version))) throw new SentinelError('STORE_UNAVAILABLE', 'the alert changed meanwhile; run the command again');
    io.out(`${next.id}: ${next.status}`);
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

function printTable(alerts: Alert[], now: string, io: Output): void {
  io.out(['id'.padEnd(36), 'patient'.padEnd(20), 'tier'.padEnd(19), 'status'.padEnd(12), 'updated'.padEnd(24), 'criteria met'].join('  '));
  for (const a of alerts) {
    io.out([a.id.padEnd(36), a.patientKey.padEnd(20), a.tier.padEnd(19), effectiveStatus(a, now).padEnd(12), a.updatedAt.padEnd(24), a.criteriaMet.join(', ')].join('  '));
  }
  io.out(`${alerts.length} alert(s)`);
}
