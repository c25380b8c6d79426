import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { validateProfile } from '../../src/config/load-profile.js';
import type { RoutingProfile } from '../../src/config/profile-routing.schema.js';
import { channelsNamed, routesFor } from '../../src/notifiers/routing.js';

const TEAM = { orderingProvider: 'SYNTHHOSP|D1001', attending: 'SYNTHHOSP|D3003' };

const SITE: RoutingProfile = {
  pools: {
    'poems-review': { display: 'POEMS review' },
    neuromuscular: { display: 'Neuromuscular team' },
    haematology: { display: 'Haematology on call' },
  },
  rules: [
    { to: ['ordering-provider', 'attending'], tiers: ['screening-gap', 'workup-recommended', 'criteria-met'], channels: ['inbox'] },
    { to: ['pool:neuromuscular'], tiers: ['workup-recommended', 'criteria-met'], channels: ['inbox', 'webhook'] },
    { to: ['pool:haematology', 'ordering-provider'], tiers: ['criteria-met'], channels: ['fhir', 'hl7-v2', 'inbox'] },
  ],
  fallbackPool: 'poems-review',
};

const summary = (routes: ReturnType<typeof routesFor>): string[] => routes.map((r) => `${r.channel} ${r.recipient.kind}:${r.recipient.id}`);

describe('routing by tier, recipient and channel', () => {
  it('by default sends every tier to the ordering provider and the attending in the inbox, and nothing else', () => {
    for (const tier of ['screening-gap', 'workup-recommended', 'criteria-met'] as const) {
      expect(summary(routesFor(tier, TEAM, DEFAULT_PROFILE.routing))).toEqual(['inbox ordering-provider:SYNTHHOSP|D1001', 'inbox attending:SYNTHHOSP|D3003']);
    }
    expect(channelsNamed(DEFAULT_PROFILE.routing)).toEqual(['inbox']);
  });

  it('sends an alert whose evidence names nobody to the fallback pool, with its display', () => {
    const routes = routesFor('screening-gap', {}, DEFAULT_PROFILE.routing);
    expect(routes).toEqual([{ channel: 'inbox', recipient: { kind: 'pool', id: 'poems-review', display: expect.stringContaining('POEMS review') } }]);
    expect(routesFor('screening-gap', {}, { ...DEFAULT_PROFILE.routing, fallbackPool: null })).toEqual([]);
  });

  it('lets each tier reach its own pools and channels, one route per (channel, recipient)', () => {
    expect(summary(routesFor('screening-gap', TEAM, SITE))).toEqual(['inbox ordering-provider:SYNTHHOSP|D1001', 'inbox attending:SYNTHHOSP|D3003']);
    expect(summary(routesFor('workup-recommended', TEAM, SITE))).toEqual([
      'inbox ordering-provider:SYNTHHOSP|D1001', 'inbox attending:SYNTHHOSP|D3003',
      'inbox pool:neuromuscular', 'webhook pool:neuromuscular',
    ]);
    expect(summary(routesFor('criteria-met', TEAM, SITE))).toEqual([
      'inbox ordering-provider:SYNTHHOSP|D1001', 'inbox attending:SYNTHHOSP|D3003',
      'inbox pool:neuromuscular', 'webhook pool:neuromuscular',
      'fhir pool:haematology', 'fhir ordering-provider:SYNTHHOSP|D1001',
      'hl7-v2 pool:haematology', 'hl7-v2 ordering-provider:SYNTHHOSP|D1001',
      'inbox pool:haematology',
    ]);
  });

  it('counts one person once when the ordering provider is also the attending', () => {
    const same = { orderingProvider: 'SYNTHHOSP|D1001', attending: 'SYNTHHOSP|D1001' };
    expect(summary(routesFor('criteria-met', same, DEFAULT_PROFILE.routing))).toEqual(['inbox ordering-provider:SYNTHHOSP|D1001']);
  });

  it('does not fall back when a rule still has someone (a pool always is someone)', () => {
    expect(summary(routesFor('criteria-met', {}, SITE))).toEqual([
      'inbox pool:poems-review', 'inbox pool:neuromuscular', 'webhook pool:neuromuscular', 'fhir pool:haematology', 'hl7-v2 pool:haematology', 'inbox pool:haematology',
    ]);
  });
});

describe('the routing section of a site profile', () => {
  it('keeps the default pools when a site writes only its rules', () => {
    const { profile, problems } = validateProfile({ profileVersion: 'site-1', routing: { rules: [{ to: ['attending'], tiers: ['criteria-met'], channels: ['webhook'] }] } });
    expect(problems).toEqual([]);
    expect(profile?.routing.rules).toHaveLength(1);
    expect(profile?.routing.fallbackPool).toBe('poems-review');
  });

  it('reports every unknown pool, bad selector and bad channel name at once', () => {
    const { problems } = validateProfile({
      profileVersion: 'site-1',
      routing: {
        rules: [{ to: ['pool:haematology', 'nurse'], tiers: ['criteria-met'], channels: ['FHIR!'] }],
        fallbackPool: 'nobody',
      },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['routing.fallbackPool', 'routing.rules.0.channels.0', 'routing.rules.0.to.0', 'routing.rules.0.to.1']);
  });
});
