import { DELIVERY_STATUSES, openDeliveries, retryDeliveries, type DeliveryRecord, type DeliveryStatus } from '../app/deliveries.js';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import { SentinelError } from '../errors.js';
import { EXIT, parse, type Output } from './usage.js';

export const DELIVERIES_HELP = `Usage: poems-sentinel deliveries <list|retry> [options]

Every delivery of a notification to one recipient on one channel, from the delivery ledger.

  list  [--status S] [--channel C] [--limit N] [--json]
                      most recently changed first (default limit 100); S: ${DELIVERY_STATUSES.join(', ')}
  retry <id> [<id> …] | --all-dead
                      dead deliveries back to pending; their notifications go back in the
                      queue with fresh attempts (deliveries already delivered are not sent again)

Options:
  --db FILE            embedded state (default ${STATE_DEFAULTS.dbPath})
  --redis-url URL      distributed: the queue in Redis (--redis-prefix P, default ${STATE_DEFAULTS.redisPrefix})
  --database-url URL   distributed: the ledger in PostgreSQL (postgres://…)`;

export async function deliveriesCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parse(args, {
    db: { type: 'string', default: STATE_DEFAULTS.dbPath },
    'redis-url': { type: 'string' },
    'redis-prefix': { type: 'string', default: STATE_DEFAULTS.redisPrefix },
    'database-url': { type: 'string' },
    status: { type: 'string' },
    channel: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    'all-dead': { type: 'boolean' },
  });
  const [action, ...ids] = positionals;
  if (values.help || !action) {
    io.out(DELIVERIES_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (action !== 'list' && action !== 'retry') throw new SentinelError('USAGE', `unknown deliveries action "${action}" (list, retry)`);
  const status = values.status;
  if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status)) throw new SentinelError('USAGE', `--status must be one of ${DELIVERY_STATUSES.join(', ')}`);
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new SentinelError('USAGE', '--limit must be a positive integer');
  if (action === 'retry' && (ids.length === 0) === !values['all-dead']) throw new SentinelError('USAGE', 'deliveries retry needs delivery ids or --all-dead (not both)');
  for (const id of ids) if (!/^[0-9a-f]{16}$/.test(id)) throw new SentinelError('USAGE', `"${id}" is not a delivery id (16 hex digits, as deliveries list shows)`);

  const access = await openDeliveries({ dbPath: values.db as string, redisUrl: values['redis-url'], redisPrefix: values['redis-prefix'] as string, databaseUrl: values['database-url'] });
  try {
    if (action === 'list') {
      const records = await access.ledger.list({ ...(status ? { status: status as DeliveryStatus } : {}), ...(values.channel ? { channel: values.channel } : {}), limit });
      if (values.json) records.forEach((r) => io.out(JSON.stringify(r)));
      else printTable(records, io);
      return EXIT.ok;
    }
    const result = await retryDeliveries(access, values['all-dead'] ? 'all-dead' : { ids }, new Date().toISOString());
    const notDead = ids.filter((id) => !result.reopened.some((r) => r.id === id));
    for (const r of result.reopened) io.out(`${r.id}: pending again (${r.channel} to ${r.recipient.kind} ${r.recipient.id}, ${r.attempts} attempt(s) so far)`);
    for (const id of notDead) io.err(`${id}: not a dead delivery (deliveries list --status dead shows them)`);
    io.out(`${result.reopened.length} deliver${result.reopened.length === 1 ? 'y' : 'ies'} reopened, ${result.requeued.length} notification(s) queued again`);
    return notDead.length > 0 ? EXIT.usage : EXIT.ok;
  } finally {
    await access.close();
  }
}

function printTable(records: DeliveryRecord[], io: Output): void {
  io.out(['id'.padEnd(16), 'status'.padEnd(9), 'tries', 'channel'.padEnd(8), 'recipient'.padEnd(36), 'tier'.padEnd(18), 'event'.padEnd(9), 'updated'.padEnd(24), 'last error'].join('  '));
  for (const r of records) {
    const recipient = `${r.recipient.kind}:${r.recipient.id}`;
    const error = r.lastErrorCode ? `${r.lastErrorCode}: ${(r.lastError ?? '').replace(/\s+/g, ' ').slice(0, 120)}` : '';
    io.out([r.id, r.status.padEnd(9), String(r.attempts).padEnd(5), r.channel.padEnd(8), recipient.padEnd(36), r.tier.padEnd(18), r.event.padEnd(9), r.updatedAt.padEnd(24), r.status === 'delivered' ? '' : error].join('  '));
  }
  io.out(`${records.length} deliver${records.length === 1 ? 'y' : 'ies'}`);
}
