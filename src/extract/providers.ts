import type { Finding } from '../domain/finding.js';
import type { ResultVersion } from '../domain/result.js';
import type { Delimiters } from '../hl7/delimiters.js';
import { component, repetitions, subcomponent, text } from '../hl7/message.js';

/**
 * A provider (XCN: OBR-16 ordering provider, PV1-7 attending) as an id for routing:
 * "<XCN-9 assigning authority>|<XCN-1 id>", the shape of a patient key, so two hospitals' "1234"
 * stay apart. The first repetition with an id wins; a name without an id is not an identifier
 * (it cannot be routed to) and gives nothing. Names are never read: routing needs the id only.
 */
export function providerIdOf(raw: string, d: Delimiters): string | undefined {
  for (const rep of repetitions(raw, d)) {
    const id = text(component(rep, 1, d), d).trim();
    if (id === '') continue;
    const xcn9 = component(rep, 9, d);
    const authority = text(subcomponent(xcn9, 1, d), d).trim() || text(subcomponent(xcn9, 2, d), d).trim();
    return `${authority}|${id}`;
  }
  return undefined;
}

/** The versions with their findings' source naming the provider (`orderingProvider` or `attending`). */
export function withProvider(versions: ResultVersion[], role: 'orderingProvider' | 'attending', providerId: string | undefined): ResultVersion[] {
  if (providerId === undefined) return versions;
  return versions.map((v) => (v.findings.length === 0 ? v : { ...v, findings: v.findings.map((f): Finding => ({ ...f, source: { ...f.source, [role]: providerId } })) }));
}
