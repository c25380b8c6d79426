import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-explain-'));
const db = join(dir, 'state.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const msg = (...segments: string[]) => segments.join('\r');
const FEED = [
  // ALPHA: CIDP and a high platelet count, no immunofixation → screening-gap
  msg(
    'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|EXP0001|P|2.5.1',
    'PID|1||P7001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F',
    'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250301110000',
    'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250301110000',
  ),
  msg(
    'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250302120000||ADT^A08^ADT_A01|EXP0002|P|2.5.1',
    'EVN|A08|20250302120000',
    'PID|1||P7001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F',
    'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250302|F',
  ),
  // BETA: a neuropathy alone → no alert, still explainable
  msg(
    'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250303120000||ADT^A08^ADT_A01|EXP0003|P|2.5.1',
    'EVN|A08|20250303120000',
    'PID|1||P7002^^^SYNTH^MR||TESTPATIENT^BETA||19700101|M',
    'DG1|1||G62.9^Polyneuropathy, unspecified^I10||20250303|F',
  ),
].join('\r\n');

beforeAll(async () => {
  const feed = join(dir, 'feed.hl7');
  writeFileSync(feed, `${FEED}\r\n`);
  expect((await run('replay', feed, '--db', db)).code).toBe(0);
});

describe('poems-sentinel alerts explain', () => {
  it('explains why a patient has an alert: tier, alert, findings with their sources', async () => {
    const r = await run('alerts', 'explain', 'SYNTH|P7001', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Tier: screening-gap — CIDP with thrombocytosis\/polycythemia and no immunofixation on record$/m);
    expect(r.out).toMatch(/^Alert: \S+ open at screening-gap, episode 1, notified: screening-gap$/m);
    expect(r.out).toMatch(/polyneuropathy \(CIDP\) — definite; .*message EXP0002 from SYNTHHOSP/);
    expect(r.out).toMatch(/thrombocytosis \(minor criterion thrombocytosis\/polycythemia\) — definite; .*message EXP0001 from SYNTHLAB/);
    expect(r.out).toMatch(/Serum and urine immunofixation/);
    expect(r.out).toMatch(/^Alert history:$/m);
  });

  it('explains why a patient has none', async () => {
    const r = await run('alerts', 'explain', 'SYNTH|P7002', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Tier: none — polyneuropathy alone: no alert pattern$/m);
    expect(r.out).toMatch(/^Alert: none$/m);
    expect(r.out).toMatch(/^Findings used \(1\):$/m);
  });

  it('prints JSON with --json', async () => {
    const r = await run('alerts', 'explain', 'SYNTH|P7001', '--db', db, '--json');
    const parsed = JSON.parse(r.out) as { patientKey: string; assessment: { tier: string }; used: unknown[]; unused: unknown[]; alert: { episode: number } };
    expect(parsed).toMatchObject({ patientKey: 'SYNTH|P7001', assessment: { tier: 'screening-gap' }, alert: { episode: 1 } });
    expect(parsed.used).toHaveLength(2);
    expect(Array.isArray(parsed.unused)).toBe(true);
  });

  it('answers for a key with nothing on record', async () => {
    const r = await run('alerts', 'explain', 'SYNTH|NOBODY', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Tier: none — no neuropathy on record$/m);
  });

  it('needs a patient key, and an existing database', async () => {
    expect((await run('alerts', 'explain', '--db', db)).code).toBe(2);
    const missing = await run('alerts', 'explain', 'SYNTH|P7001', '--db', join(dir, 'missing.db'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/INPUT_UNREADABLE/);
  });
});
