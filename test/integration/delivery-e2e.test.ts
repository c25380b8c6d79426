import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../../src/domain/alert.js';
import { generateFeed } from '../../src/generate/synthetic-feed.js';
import { MllpClient } from '../../src/transport/mllp-client.js';
import { LoopbackFhirServer } from '../support/fhir-server.js';
import { killServiceProcesses, startServiceProcess, until, type ServiceProcess } from '../support/service-process.js';
import { LoopbackWebhookReceiver, loadDocumentedVerifier } from '../support/webhook-receiver.js';

/**
 * `poems-sentinel run` (embedded) with routing to a webhook and a FHIR server on loopback: a
 * generated feed sent over MLLP reaches both peers exactly once per tier and episode, every
 * delivery is in the ledger, and status changes (withdrawals) reach the FHIR server.
 * Synthetic data only (the generator's SYNTH patients).
 */

const FEED = [...generateFeed({ patients: 80, seed: 5 })];
const SECRET = 'e2e-webhook-secret-0123456789abcdef0123';
const dir = mkdtempSync(join(tmpdir(), 'sentinel-delivery-'));
const dbPath = join(dir, 'state.db');

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

describe('when a generated feed runs through the service with routing to a webhook and a FHIR server', () => {
  let webhook: LoopbackWebhookReceiver;
  const fhir = new LoopbackFhirServer();
  let service: ServiceProcess;
  let notified: Notification[] = [];
  let statusChanges: Notification[] = [];
  let deliveries: { notification_key: string; channel: string; recipient: string; status: string; attempts: number }[] = [];
  let metricsText = '';

  beforeAll(async () => {
    webhook = new LoopbackWebhookReceiver(SECRET, await loadDocumentedVerifier());
    const webhookUrl = await webhook.start();
    const fhirUrl = await fhir.start();
    writeFileSync(join(dir, 'profile.yaml'), [
      'profileVersion: e2e-delivery-1',
      'routing:',
      '  pools: { haematology: { display: "Haematology on call" } }',
      '  rules:',
      '    - { to: [ordering-provider, attending], tiers: [screening-gap, workup-recommended, criteria-met], channels: [inbox] }',
      '    - { to: [pool:haematology], tiers: [screening-gap, workup-recommended, criteria-met], channels: [webhook, fhir] }',
    ].join('\n'));
    writeFileSync(join(dir, 'channels.json'), JSON.stringify({
      webhook: { url: webhookUrl, secret: SECRET },
      fhir: { baseUrl: fhirUrl, patientSystems: { SYNTH: 'urn:oid:2.999.1', SYNTHREF: 'urn:oid:2.999.2' } },
    }));
    service = await startServiceProcess(['--db', dbPath, '--profile', join(dir, 'profile.yaml'), '--channels', join(dir, 'channels.json')]);
    const client = await MllpClient.connect({ host: '127.0.0.1', port: service.mllpPort, ackTimeoutMs: 30_000 });
    for (const m of FEED) {
      const ack = await client.send(m.text);
      expect(ack?.outcome).toBe('AA');
    }
    await client.close();
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      await until('every notification done', () => {
        const open = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number };
        return open.n === 0;
      }, 120_000, 200);
      metricsText = await metrics(service.healthPort);
    } finally {
      db.close();
    }
    await service.stop();
    const after = new Database(dbPath, { readonly: true });
    const all = (after.prepare('SELECT body FROM outbox').all() as { body: string }[]).map((r) => Notification.parse(JSON.parse(r.body)));
    notified = all.filter((n) => n.event !== 'status');
    statusChanges = all.filter((n) => n.event === 'status');
    deliveries = after.prepare('SELECT notification_key, channel, recipient, status, attempts FROM deliveries').all() as typeof deliveries;
    after.close();
  }, 240_000);

  afterAll(async () => {
    await killServiceProcesses();
    await webhook?.stop();
    await fhir.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('notifies some alerts at more than one tier, and withdraws some', () => {
    expect(notified.length).toBeGreaterThan(10);
    expect(statusChanges.some((n) => n.status === 'withdrawn')).toBe(true);
  });

  it('posts every notification to the webhook exactly once per alert, episode and tier', () => {
    const keys = webhook.received.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(notified.map((n) => n.key).sort());
    const bodies = webhook.received.map((r) => r.body as { notification: Notification; recipient: { id: string } });
    expect(new Set(bodies.map((b) => `${b.notification.alertId}|${b.notification.episode}|${b.notification.tier}`)).size).toBe(notified.length);
    expect(new Set(bodies.map((b) => b.recipient.id))).toEqual(new Set(['haematology']));
    expect(bodies.every((b) => b.notification.event !== 'status')).toBe(true);
  });

  it('files one DetectedIssue per alert episode on the FHIR server, cancelled for withdrawn alerts', () => {
    const episodes = new Set(notified.map((n) => `${n.alertId}.${n.episode}`));
    const issues = fhir.all('DetectedIssue');
    expect(issues.map((i) => (i as { identifier: { value: string }[] }).identifier[0]?.value).sort()).toEqual([...episodes].sort());
    const withdrawnEpisodes = new Set(statusChanges.filter((n) => n.status === 'withdrawn').map((n) => `${n.alertId}.${n.episode}`));
    const lastStatus = new Map<string, string>();
    for (const i of issues) lastStatus.set((i as { identifier: { value: string }[] }).identifier[0]?.value ?? '', (i as { status: string }).status);
    for (const ep of withdrawnEpisodes) if (episodes.has(ep)) expect(lastStatus.get(ep), ep).toBe('cancelled');
  });

  it('records every delivery once in the ledger, all delivered, the inbox for the providers named on the evidence', () => {
    const seen = new Set(deliveries.map((d) => `${d.notification_key} ${d.channel} ${d.recipient}`));
    expect(seen.size).toBe(deliveries.length);
    expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
    for (const n of notified) {
      const of = deliveries.filter((d) => d.notification_key === n.key);
      expect(of.filter((d) => d.channel === 'webhook')).toHaveLength(1);
      expect(of.filter((d) => d.channel === 'fhir')).toHaveLength(1);
      expect(of.filter((d) => d.channel === 'inbox').length).toBeGreaterThan(0);
    }
    const inboxRecipients = deliveries.filter((d) => d.channel === 'inbox').map((d) => (JSON.parse(d.recipient) as { kind: string }).kind);
    expect(inboxRecipients).toContain('ordering-provider');
    // status notifications go to FHIR only
    const statusKeys = new Set(statusChanges.map((n) => n.key));
    expect(new Set(deliveries.filter((d) => statusKeys.has(d.notification_key)).map((d) => d.channel))).toEqual(new Set(statusChanges.length > 0 ? ['fhir'] : []));
  });

  it('counts deliveries by channel and outcome, queue depth and alerts by tier and status at /metrics', () => {
    const webhookDelivered = notified.length;
    expect(metricsText).toContain(`poems_sentinel_delivery_attempts_total{channel="webhook",outcome="delivered"} ${webhookDelivered}`);
    expect(metricsText).toMatch(/poems_sentinel_notification_queue\{state="pending"\} 0/);
    expect(metricsText).toMatch(/poems_sentinel_alerts\{tier="criteria-met",status="\w+"\} \d+/);
    expect(metricsText).toMatch(/poems_sentinel_deliveries\{channel="fhir",status="delivered"\} \d+/);
    expect(metricsText).toContain('poems_sentinel_mllp_messages_total');
  });
});
