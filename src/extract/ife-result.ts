import { component, field, text, type Segment } from '../hl7/message.js';
import type { Finding } from '../domain/finding.js';
import { makeFinding, type ExtractContext } from './context.js';
import { readIfe } from './ife.js';

type At = { observedAt: string; segment: string; resultKey: string };

/**
 * An immunofixation result (serum 25700-6, urine 13440-3 or a local IFE code): always `ifeDone`
 * (spec §1: any IFE result, positive or negative, sets it), plus the clone it reports.
 */
export function readIfeResult(obx: Segment, at: At, ctx: ExtractContext): Finding[] {
  const { d } = ctx;
  const raw = field(obx, 5);
  const interpretation = [text(component(raw, 2, d), d), text(component(raw, 1, d), d)].join(' ');
  const ife = readIfe(interpretation);
  const done = makeFinding(ctx, 'ifeDone', at, { qualifiers: { matched: interpretation.trim().slice(0, 120) } });
  if (!ife.monoclonal) return [done];
  return [done, makeFinding(ctx, 'clone', at, { qualifiers: { lightChain: ife.lightChain, heavyChain: ife.heavyChain, method: 'ife', matched: interpretation.trim().slice(0, 120) } })];
}
