import { z } from 'zod';
import { actThroughService } from '../app/admin-client.js';
import { actOnAlert, AlertAction, AlertKeptChanging, embeddedAudit, isBusy } from '../app/alert-action.js';
import { openState } from '../app/state.js';
import { effectiveStatus } from '../alerts/alert-actions.js';
import { loadProfile } from '../config/load-profile.js';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import { AlertStatus, DismissReason, type Alert } from '../domain/alert.js';
import { Tier } from '../domain/tier.js';
import { SentinelError } from '../errors.js';
import { explain } from '../rules/explain.js';
import { RULE_ID } from '../rules/poems.rule.js';
import { explanationLines } from './explain-report.js';
import { EXIT, parse, type Output } from './usage.js';

export const ALERTS_HELP = `Usage: poems-sentinel alerts <list|export|explain|ack|dismiss|snooze> [options]

  list    [--status S] [--tier T]     a table of alerts, newest first
  export  [--status S] [--tier T]     every alert as JSON Lines on stdout
  explain <patient key> [--json] [--profile FILE]
                                      why a patient has (or has not) an alert: every finding
                                      used with its source and certainty, every value or phrase
                                      seen but not used with its reason, the lab values
  ack     <alert id> [--by NAME]
  dismiss <alert id> --reason R [--note TEXT] [--by NAME]   R: ${DismissReason.options.join(', ')}
  snooze  <alert id> --until ISO-DATE [--by NAME]

Options:
  --db FILE            SQLite state (default ${STATE_DEFAULTS.dbPath})
  --redis-url URL      Redis state instead; --redis-prefix P (default ${STATE_DEFAULTS.redisPrefix})
  --profile FILE       site profile for explain (default: the built-in profile)`;

export async function alertsCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parse(args, {
    db: { type: 'string', default: STATE_DEFAULTS.dbPath },
    'redis-url': { type: 'string' },
    'redis-prefix': { type: 'string', default: STATE_DEFAULTS.redisPrefix },
    profile: { type: 'string' },
    json: { type: 'boolean' },
    status: { type: 'string' },
    tier: { type: 'string' },
    by: { type: 'string' },
    reason: { type: 'string' },
    note: { type: 'string', default: '' },
    until: { type: 'string' },
  });
  const [action, subject] = positionals;
  if (values.help || !action) {
    io.out(ALERTS_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const status = values.status === undefined ? undefined : AlertStatus.safeParse(values.status);
  const tier = values.tier === undefined ? undefined : Tier.safeParse(values.tier);
  if (status && !status.success) throw new SentinelError('USAGE', `--status must be one of ${AlertStatus.options.join(', ')}`);
  if (tier && !tier.success) throw new SentinelError('USAGE', `--tier must be one of ${Tier.options.join(', ')}`);
  // read before opening state: a bad profile is a usage problem, not a half-opened store
  const profile = action === 'explain' ? loadProfile(values.profile) : null;
  const operation = ACTIONS[action] === undefined ? undefined : operatorAction(ACTIONS[action], values);
  if (operation && !subject) throw new SentinelError('USAGE', `alerts ${action} needs an alert id`);
  if (operation && subject && !values['redis-url']) {
    // a running service holds SQLite's write lock nearly all the time: ask it to do the write
    const done = await actThroughService(values.db as string, subject, operation, values.by ?? '');
    if (done) {
      io.out(`${done.id}: ${done.status}`);
      return EXIT.ok;
    }
  }
  const state = await openState({ dbPath: values.db as string, redisUrl: values['redis-url'], redisPrefix: values['redis-prefix'] as string, mustExist: true });
  try {
    const now = new Date().toISOString();
    if (action === 'list' || action === 'export') {
      const alerts = await state.alerts.list({ ...(status?.data ? { status: status.data } : {}), ...(tier?.data ? { tier: tier.data } : {}) });
      if (action === 'export') alerts.forEach((a) => io.out(JSON.stringify(a)));
      else printTable(alerts, now, io);
      return EXIT.ok;
    }
    if (!subject) throw new SentinelError('USAGE', `alerts ${action} needs ${action === 'explain' ? 'a patient key' : 'an alert id'}`);
    if (action === 'explain' && profile !== null) {
      const key = await state.timeline.resolve(subject);
      const ex = explain(await state.timeline.timeline(key), profile);
      const alert = await state.alerts.get(key, RULE_ID);
      if (values.json) io.out(JSON.stringify({ ...ex, alert }, null, 2));
      else explanationLines(ex, alert, subject).forEach((l) => io.out(l));
      return EXIT.ok;
    }
    if (!operation) throw new SentinelError('USAGE', `unknown alerts action "${action}"`);
    // embedded: the action is audited in the file's inbox trail (Redis: in PostgreSQL, which this command does not open)
    const audit = 'db' in state ? embeddedAudit((state as { db: Parameters<typeof embeddedAudit>[0] }).db) : undefined;
    const next = await actOnAlert({ alerts: state.alerts, ...(audit ? { audit } : {}), clock: () => new Date(now) }, subject, operation, values.by ?? '').catch((err: unknown) => {
      if (err instanceof AlertKeptChanging) throw new SentinelError('STORE_UNAVAILABLE', err.message);
      if (isBusy(err)) throw new SentinelError('STORE_UNAVAILABLE', 'another process held the database write lock for 5 s; run the command again');
      throw err;
    });
    if (!next) throw new SentinelError('USAGE', `no alert with id ${subject}`);
    io.out(`${next.id}: ${next.status}`);
    return EXIT.ok;
  } finally {
    await state.close();
  }
}

function printTable(alerts: Alert[], now: string, io: Output): void {
  io.out(['id'.padEnd(36), 'patient'.padEnd(20), 'tier'.padEnd(19), 'status'.padEnd(12), 'episode', 'updated'.padEnd(24), 'criteria met'].join('  '));
  for (const a of alerts) {
    io.out([a.id.padEnd(36), a.patientKey.padEnd(20), a.tier.padEnd(19), effectiveStatus(a, now).padEnd(12), String(a.episode).padEnd(7), a.updatedAt.padEnd(24), a.criteriaMet.join(', ')].join('  '));
  }
  io.out(`${alerts.length} alert(s)`);
}

const ACTIONS: Record<string, AlertAction['kind'] | undefined> = { ack: 'acknowledge', dismiss: 'dismiss', snooze: 'snooze' };

/** The action the flags describe, checked as the inbox checks it. */
function operatorAction(kind: AlertAction['kind'], values: { reason?: string | undefined; note?: string | boolean | undefined; until?: string | undefined }): AlertAction {
  const parsed = AlertAction.safeParse({ kind, reason: values.reason, note: values.note, until: values.until });
  if (parsed.success) return parsed.data;
  if (kind === 'dismiss') throw new SentinelError('USAGE', `--reason must be one of ${DismissReason.options.join(', ')}`);
  if (kind === 'snooze') throw new SentinelError('USAGE', '--until needs an ISO date');
  throw new SentinelError('USAGE', z.prettifyError(parsed.error));
}
