import type { RecipientSelector, RoutingProfile } from '../config/profile-routing.schema.js';
import type { CareTeam, Recipient } from '../domain/recipient.js';
import { recipientKey } from '../domain/recipient.js';
import type { Tier } from '../domain/tier.js';

/** One delivery to plan: a recipient on a channel. */
export interface Route {
  channel: string;
  recipient: Recipient;
}

/**
 * The routes of one notification (pure): every rule listing the tier sends to each of its
 * recipients on each of its channels. A provider named both as ordering provider and attending
 * is one recipient (the ordering provider: the more specific reason to be told). A rule none of
 * whose recipients is known sends to the fallback pool instead. The same (channel, recipient)
 * reached twice is one route; the order is the rules', so plans are stable.
 */
export function routesFor(tier: Tier, team: CareTeam, routing: RoutingProfile): Route[] {
  const routes = new Map<string, Route>();
  for (const rule of routing.rules) {
    if (!rule.tiers.includes(tier)) continue;
    let recipients = dedupeProviders(rule.to.flatMap((s) => recipientOf(s, team, routing)));
    if (recipients.length === 0 && routing.fallbackPool !== null) recipients = [pool(routing.fallbackPool, routing)];
    for (const channel of rule.channels) {
      for (const recipient of recipients) {
        const key = `${channel} ${recipientKey(recipient)}`;
        if (!routes.has(key)) routes.set(key, { channel, recipient });
      }
    }
  }
  return [...routes.values()];
}

/** The channels any rule names: the ones a deployment must configure. */
export function channelsNamed(routing: RoutingProfile): string[] {
  return [...new Set(routing.rules.flatMap((r) => r.channels))];
}

function recipientOf(selector: RecipientSelector, team: CareTeam, routing: RoutingProfile): Recipient[] {
  if (selector === 'ordering-provider') return team.orderingProvider === undefined ? [] : [{ kind: 'ordering-provider', id: team.orderingProvider }];
  if (selector === 'attending') return team.attending === undefined ? [] : [{ kind: 'attending', id: team.attending }];
  return [pool(selector.slice('pool:'.length), routing)];
}

function pool(name: string, routing: RoutingProfile): Recipient {
  const display = routing.pools[name]?.display;
  return { kind: 'pool', id: name, ...(display ? { display } : {}) };
}

function dedupeProviders(recipients: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return recipients.filter((r) => {
    const key = r.kind === 'pool' ? recipientKey(r) : `provider:${r.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
