import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DismissReason } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { TIERS } from '../../src/domain/tier.js';
import { acknowledgeSuggestionUuid, cardOf, detailOf, showsOnChart } from '../../src/inbox/cds-hooks/card.js';
import { overrideReasonOf } from '../../src/inbox/cds-hooks/cds-hooks.plugin.js';
import { createClientJwtVerifier } from '../../src/inbox/cds-hooks/client-jwt.js';
import { CODE_SYSTEM } from '../../src/notifiers/fhir/code-systems.js';
import { syntheticAlert } from '../support/alert-fixture.js';
import { clientJwt, createTestCdsClient } from '../support/cds-client.js';

const opts = { sourceLabel: 'POEMS Sentinel', inboxBaseUrl: 'https://sentinel.hospital.example/inbox/' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('CDS Hooks card of an alert', () => {
  it.each(TIERS)('%s: summary under 140 characters, indicator from the tier', (tier) => {
    const card = cardOf(syntheticAlert({ tier }), opts);
    expect(card.summary.length).toBeLessThan(140);
    expect(card.indicator).toBe({ 'criteria-met': 'critical', 'workup-recommended': 'warning', 'screening-gap': 'info' }[tier]);
  });

  it('names its source, links to the inbox item, offers the dismissal reasons and one acknowledgement', () => {
    const alert = syntheticAlert();
    const card = cardOf(alert, { ...opts, sourceUrl: 'https://sentinel.hospital.example/about' });
    expect(card.uuid).toBe(alert.id);
    expect(card.source).toEqual({ label: 'POEMS Sentinel', url: 'https://sentinel.hospital.example/about' });
    expect(card.links).toEqual([{ label: 'Open the alert in POEMS Sentinel', url: `https://sentinel.hospital.example/inbox/alerts/${alert.id}`, type: 'absolute' }]);
    expect(card.overrideReasons.map((r) => r.code)).toEqual(DismissReason.options);
    for (const r of card.overrideReasons) {
      expect(r.system).toBe(CODE_SYSTEM.dismissReason);
      expect(r.display.length).toBeGreaterThan(0);
    }
    expect(card.selectionBehavior).toBe('at-most-one');
    expect(card.suggestions).toHaveLength(1);
    expect(card.suggestions[0]?.uuid).toMatch(UUID);
    expect(card.suggestions[0]?.uuid).toBe(acknowledgeSuggestionUuid(alert.id));
    expect(acknowledgeSuggestionUuid('other')).not.toBe(acknowledgeSuggestionUuid(alert.id));
    expect(cardOf(alert, opts).source).toEqual({ label: 'POEMS Sentinel' });
  });

  it('detail: the reason, the evidence table (criterion, value, unit, date, source), criteria and work-up in markdown', () => {
    const detail = detailOf(syntheticAlert());
    expect(detail).toContain('**POEMS criteria met.** CIDP with an IgA λ monoclonal protein, VEGF elevation and thrombocytosis');
    expect(detail).toContain('| Criterion | Value | Unit | Date | Source |\n|---|---|---|---|---|');
    expect(detail).toContain('| VEGF elevation | 850 | pg/mL | 2025-02-05 | SYNTHLAB MSG0003 OBX\\[1\\] |');
    expect(detail).toContain('| monoclonal protein | IgA λ \\(ife\\) |  | 2025-02-03 | SYNTHLAB MSG0002 OBX\\[1\\] |');
    expect(detail).toContain('| thrombocytosis/polycythemia | 612 | 10\\*9/L | 2025-02-05 | SYNTHLAB MSG0004 OBX\\[2\\] |');
    expect(detail).toContain('Criteria met: polyneuropathy, monoclonal protein, VEGF elevation, thrombocytosis/polycythemia.');
    expect(detail).toContain('Still missing: Castleman disease, sclerotic bone lesion.');
    expect(detail).toContain('- Low-dose whole-body CT for sclerotic bone lesions.');
  });

  it('report text in a cell cannot break the table or inject markup', () => {
    const hostile: Finding = {
      kind: 'scleroticBone', observedAt: '2025-02-01T00:00:00Z', certainty: 'possible',
      qualifiers: { matched: 'lesion | see [link](javascript:x) <img src=x>\nnext line' },
      source: { messageControlId: 'M|1', sendingFacility: 'LAB', segment: 'OBX[1]', resultKey: 'k' },
    };
    const detail = detailOf(syntheticAlert({ evidence: [hostile] }));
    const row = detail.split('\n').find((l) => l.startsWith('| sclerotic'));
    expect(row).toBe('| sclerotic bone lesion | lesion \\| see \\[link\\]\\(javascript:x\\) &lt;img src=x&gt; next line \\(possible\\) |  | 2025-02-01 | LAB M\\|1 OBX\\[1\\] |');
  });

  it.each([
    ['open', undefined, true],
    ['acknowledged', undefined, true],
    ['snoozed', '2025-03-01T00:00:00.000Z', false],
    ['snoozed', '2025-01-01T00:00:00.000Z', true],
    ['dismissed', undefined, false],
    ['withdrawn', undefined, false],
  ] as const)('a %s alert (snoozed until %s) shows on the chart: %s', (status, snoozedUntil, shows) => {
    const alert = syntheticAlert({ status, ...(snoozedUntil ? { snoozedUntil, snoozedTier: 'criteria-met' } : {}) });
    expect(showsOnChart(alert, new Date('2025-02-10T00:00:00.000Z'))).toBe(shows);
  });
});

describe('CDS Hooks override reasons', () => {
  const at = '2025-02-10T00:00:00Z';
  it('ours map to the dismissal reason; a foreign one is `other` with its words; none is undefined', () => {
    expect(overrideReasonOf({ card: 'c', outcome: 'overridden', outcomeTimestamp: at })).toBeUndefined();
    expect(overrideReasonOf({ card: 'c', outcome: 'overridden', outcomeTimestamp: at, overrideReason: { reason: { system: CODE_SYSTEM.dismissReason, code: 'poems-excluded' }, userComment: ' VEGF normal ' } }))
      .toEqual({ reason: 'poems-excluded', comment: 'VEGF normal' });
    expect(overrideReasonOf({ card: 'c', outcome: 'overridden', outcomeTimestamp: at, overrideReason: { reason: { system: 'https://ehr.example/reasons', code: 'X1', display: 'Patient declined' } } }))
      .toEqual({ reason: 'other', comment: 'Patient declined (https://ehr.example/reasons|X1)' });
    expect(overrideReasonOf({ card: 'c', outcome: 'overridden', outcomeTimestamp: at, overrideReason: { reason: { system: CODE_SYSTEM.dismissReason, code: 'made-up' } } }))
      .toEqual({ reason: 'other', comment: `made-up (${CODE_SYSTEM.dismissReason}|made-up)` });
    expect(overrideReasonOf({ card: 'c', outcome: 'overridden', outcomeTimestamp: at, overrideReason: { userComment: 'seen by haematology' } }))
      .toEqual({ reason: 'other', comment: 'seen by haematology' });
  });
});

describe('CDS client JWT verification', () => {
  const AUD = 'https://sentinel.hospital.example/cds-services/poems-sentinel-patient-view';
  const client = createTestCdsClient();
  const NOW = 1_750_000_000;
  const verifier = () => createClientJwtVerifier({ clients: [{ iss: client.iss, jwks: client.jwks }], maxLifetimeSeconds: 600, clock: () => new Date(NOW * 1000) });
  const jwt = (o: Parameters<typeof clientJwt>[2] = {}, aud: string | string[] = AUD) => `Bearer ${clientJwt(client, aud, { nowSeconds: NOW, ...o })}`;

  it('accepts a fresh token of a trusted client for this endpoint (aud as a string or in an array)', () => {
    const v = verifier();
    expect(v(jwt(), [AUD])).toEqual({ ok: true, iss: client.iss });
    expect(v(jwt({}, ['https://other.example', `${AUD}/`]), [AUD]).ok).toBe(true);
  });

  it.each([
    ['no header', undefined, 'no bearer JWT'],
    ['not a JWT', 'Bearer abc', 'no bearer JWT'],
    ['a Basic credential', 'Basic dXNlcjpwYXNz', 'no bearer JWT'],
  ])('refuses %s', (_what, header, reason) => {
    expect(verifier()(header, [AUD])).toEqual({ ok: false, reason });
  });

  it('refuses alg none and HMAC, unknown kid or issuer, a foreign signature, a wrong curve', () => {
    const v = verifier();
    const unsigned = `Bearer ${Buffer.from(JSON.stringify({ alg: 'none', kid: client.kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: client.iss, aud: AUD, iat: NOW, exp: NOW + 60, jti: 'x' })).toString('base64url')}.AA`;
    expect(v(unsigned, [AUD]).ok).toBe(false);
    expect(v(jwt({ header: { alg: 'HS256' } }), [AUD])).toMatchObject({ ok: false, reason: expect.stringContaining('alg') });
    expect(v(jwt({ header: { kid: 'other' } }), [AUD])).toEqual({ ok: false, reason: 'untrusted issuer or unknown key' });
    expect(v(jwt({ claims: { iss: 'https://evil.example' } }), [AUD])).toEqual({ ok: false, reason: 'untrusted issuer or unknown key' });
    const impostor = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(v(jwt({ privateKey: impostor }), [AUD])).toEqual({ ok: false, reason: 'bad signature' });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(v(jwt({ header: { alg: 'ES256' }, privateKey: p256 }), [AUD])).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('accepts an RSA client (RS384)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = { ...client, iss: 'https://rsa-ehr.example', kid: 'rsa-1', privateKey, jwks: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as { kty: string }), kid: 'rsa-1' }] } };
    const v = createClientJwtVerifier({ clients: [{ iss: rsa.iss, jwks: rsa.jwks }], maxLifetimeSeconds: 600, clock: () => new Date(NOW * 1000) });
    expect(v(`Bearer ${clientJwt(rsa, AUD, { nowSeconds: NOW, header: { alg: 'RS384' } })}`, [AUD]).ok).toBe(true);
    // an RSA key cannot verify an ES token and the reverse
    expect(v(`Bearer ${clientJwt(rsa, AUD, { nowSeconds: NOW, header: { alg: 'ES384' }, privateKey: client.privateKey })}`, [AUD]).ok).toBe(false);
  });

  it('refuses expired, future, long-lived tokens and another endpoint', () => {
    const v = verifier();
    expect(v(jwt({ claims: { iat: NOW - 900, exp: NOW - 61 } }), [AUD])).toEqual({ ok: false, reason: 'expired' });
    expect(v(jwt({ claims: { iat: NOW + 120, exp: NOW + 300 } }), [AUD])).toEqual({ ok: false, reason: 'issued in the future' });
    expect(v(jwt({ claims: { exp: NOW + 86_400 } }), [AUD])).toEqual({ ok: false, reason: 'lifetime too long' });
    expect(v(jwt({}, 'https://sentinel.hospital.example/cds-services'), [AUD])).toEqual({ ok: false, reason: 'aud is not this endpoint' });
    expect(v(jwt({ claims: { jti: undefined } }), [AUD]).ok).toBe(false);
  });

  it('refuses a replayed token', () => {
    const v = verifier();
    const token = jwt();
    expect(v(token, [AUD]).ok).toBe(true);
    expect(v(token, [AUD])).toEqual({ ok: false, reason: 'jti replayed' });
  });
});
