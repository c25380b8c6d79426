import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { OutboundRecord } from '../../src/consumers/kafka/transport.js';
import { kafkaMllpHandler } from '../../src/consumers/mllp-handler.js';
import type { CompiledProfile } from '../../src/extract/compiled-profile.js';
import { messagePatientKey } from '../../src/extract/extract-message.js';
import { readFeed } from '../../src/feeder/feed-reader.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { msh, obr, obx, pid, profileWith } from '../support/hl7-messages.js';

// The record key of the MLLP → Kafka edge picks the partition, and a patient's messages stay in
// order only within one partition: the key must be the patient key the pipeline computes under
// the site's profile, not under the built-in one. Synthetic identifiers only.

describe('when the site maps a facility to an assigning authority', () => {
  const site = profileWith({ identity: { ...DEFAULT_PROFILE.identity, authorityByFacility: { SYNTHLAB: 'HOSP', SYNTHADT: 'HOSP' } } });
  const oru = [msh({ facility: 'SYNTHLAB' }), pid({ cx: 'I01' }), obr(), obx('777-3^Platelets^LN', '512', { unit: '10*3/uL' })].join('\r');
  const adt = [msh({ facility: 'SYNTHADT', type: 'ADT^A08', controlId: 'ADT0001' }), pid({ cx: 'I01' })].join('\r');

  async function keyOf(text: string): Promise<string | null> {
    const sent: OutboundRecord[] = [];
    const handler = kafkaMllpHandler({ send: async (_topic, records) => void sent.push(...records), close: async () => {} }, 'hl7.inbound', site);
    const answer = await handler({ text, bytes: Buffer.from(text), origin: 'mllp:127.0.0.1:1', receivedAt: '2025-03-01T12:00:00.000Z' });
    expect(answer.code).toBe('AA');
    return sent[0]?.key ?? null;
  }

  it('keys both facilities\' messages with the pipeline\'s patient key, so they share a partition', async () => {
    expect(messagePatientKey(parseMessage(oru), site)).toBe('HOSP|I01');
    expect(await keyOf(oru)).toBe('HOSP|I01');
    expect(await keyOf(adt)).toBe('HOSP|I01');
  });
});

describe('when the feeder sends that site\'s file to the service', () => {
  const site = profileWith({ identity: { ...DEFAULT_PROFILE.identity, authorityByFacility: { SYNTHLAB: 'HOSP', SYNTHADT: 'HOSP' } } });
  const oru = [msh({ facility: 'SYNTHLAB' }), pid({ cx: 'I01' }), obr(), obx('777-3^Platelets^LN', '512', { unit: '10*3/uL' })].join('\r');
  const adt = [msh({ facility: 'SYNTHADT', type: 'ADT^A08', controlId: 'ADT0001' }), pid({ cx: 'I01' })].join('\r');
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-feed-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function keys(profile?: CompiledProfile): Promise<(string | null)[]> {
    const file = join(dir, 'feed.hl7');
    writeFileSync(file, `${oru}\r\n${adt}\r\n`);
    const out: (string | null)[] = [];
    for await (const batch of readFeed([file], profile)) for (const item of batch) if (item.kind === 'message') out.push(item.patientKey);
    return out;
  }

  it('keys (lanes, Kafka records) both messages as the service does when given its profile', async () => {
    expect(await keys(site)).toEqual(['HOSP|I01', 'HOSP|I01']);
  });

  it('without the profile, splits the patient (why `replay --to-kafka` takes --profile)', async () => {
    expect(await keys()).toEqual(['SYNTHLAB|I01', 'SYNTHADT|I01']);
  });
});
