import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORU = [
  'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|CLI0001|P|2.5.1',
  'PID|1||P9001^^^SYNTH^MR||TESTPATIENT^CLI||19700101|F',
  'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250301110000',
  'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250301110000',
].join('\r');
const DX = [
  'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250302120000||ADT^A08^ADT_A01|CLI0002|P|2.5.1',
  'EVN|A08|20250302120000',
  'PID|1||P9001^^^SYNTH^MR||TESTPATIENT^CLI||19700101|F',
  'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250302|F',
].join('\r');

describe('when the CLI is used', () => {
  it('replays a file, prints the summary and writes the alerts as JSON Lines', async () => {
    const feed = join(dir, 'feed.hl7');
    writeFileSync(feed, `NOT HL7 AT ALL\r\n${ORU}\r\n${DX}\r\n`);
    const alertsOut = join(dir, 'alerts.jsonl');
    const r = await run('replay', feed, '--db', join(dir, 'a.db'), '--alerts-out', alertsOut);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/messages read:\s+3/);
    expect(r.out).toMatch(/HL7_NO_MSH\s+1/);
    const alerts = readFileSync(alertsOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts).toMatchObject([{ patientKey: 'SYNTH|P9001', tier: 'screening-gap', status: 'open', ruleVersion: '2.0.0', profileVersion: 'default-2' }]);
  });

  it('lists and dismisses alerts, then exports the new status', async () => {
    const db = join(dir, 'a.db');
    const exported = await run('alerts', 'export', '--db', db);
    const id = (JSON.parse(exported.out.split('\n')[0] ?? '{}') as { id: string }).id;
    expect((await run('alerts', 'list', '--db', db)).out).toContain(id);
    expect((await run('alerts', 'dismiss', id, '--reason', 'poems-excluded', '--note', 'IFE negative', '--db', db)).code).toBe(0);
    expect((await run('alerts', 'export', '--status', 'dismissed', '--db', db)).out).toContain(id);
  });

  it('exits 2 without a stack trace for a missing file', async () => {
    const r = await run('replay', join(dir, 'nope.hl7'), '--db', join(dir, 'b.db'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/INPUT_UNREADABLE/);
    expect(r.err).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });

  it('exits 2 for an unknown option or command', async () => {
    expect((await run('replay', '--bogus')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('prints help for every command', async () => {
    for (const c of ['replay', 'generate', 'profile', 'alerts', 'demo']) {
      const r = await run(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Usage: poems-sentinel/);
    }
  });

  it('reports every problem of a site profile at once', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'lookbackMonths: -3\nlabs:\n  platelets: { codes: [777-3], above: "high" }\nunknownKey: 1\n');
    const r = await run('profile', 'check', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/profileVersion/);
    expect(r.err).toMatch(/lookbackMonths/);
    expect(r.err).toMatch(/labs\.platelets\.above/);
    expect(r.err).toMatch(/unknownKey|Unrecognized/);
  });

  it('accepts a valid site profile that adds local codes', async () => {
    const file = join(dir, 'site.yaml');
    writeFileSync(file, 'profileVersion: synth-site-1\nlocalCodes:\n  - { system: L, code: PLT, loinc: 777-3 }\n');
    const r = await run('profile', 'check', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid \(profileVersion synth-site-1\)/);
  });

  it('replays with a site profile and stamps its version on the alerts', async () => {
    const feed = join(dir, 'local.hl7');
    writeFileSync(feed, `${ORU.replace('777-3^Platelets^LN', 'PLT^Platelets^L')}\r\n${DX}\r\n`);
    const profile = join(dir, 'site.yaml');
    const out = join(dir, 'local.jsonl');
    expect((await run('replay', feed, '--db', join(dir, 'c.db'), '--profile', profile, '--alerts-out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8').trim())).toMatchObject({ tier: 'screening-gap', profileVersion: 'synth-site-1' });
  });

  it('generates a feed for a given seed', async () => {
    const file = join(dir, 'gen.hl7');
    const r = await run('generate', '--patients', '20', '--out', file, '--seed', '5');
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'latin1').startsWith('MSH|^~\\&|')).toBe(true);
    expect((await run('generate', '--patients', 'many', '--out', file)).code).toBe(2);
  });
});
