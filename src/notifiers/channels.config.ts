import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SentinelError } from '../errors.js';
import { FhirChannelConfig } from './fhir/fhir.config.js';
import { Hl7v2ChannelConfig } from './hl7-v2.notifier.js';
import { WebhookChannelConfig } from './webhook.notifier.js';

/**
 * Where each channel delivers (deployment configuration, with its secrets: keep the file
 * readable by the service only). The site profile's `routing` says who gets what on which
 * channel; this file says where that channel is. `inbox` needs no configuration: it is the
 * service's own.
 */
export const ChannelsConfig = z.object({
  fhir: FhirChannelConfig.optional(),
  webhook: WebhookChannelConfig.optional(),
  'hl7-v2': Hl7v2ChannelConfig.optional(),
}).strict();
export type ChannelsConfig = z.infer<typeof ChannelsConfig>;

/** The channels every deployment has. */
export const BUILT_IN_CHANNELS = ['inbox'] as const;

/** The channel names a configuration makes available. */
export function configuredChannels(c: ChannelsConfig): string[] {
  return [...BUILT_IN_CHANNELS, ...Object.keys(c).filter((k) => c[k as keyof ChannelsConfig] !== undefined)];
}

/** Reads a JSON or YAML channels file; throws USAGE listing every problem at once. */
export function loadChannels(path: string | undefined): ChannelsConfig {
  if (path === undefined) return {};
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SentinelError('USAGE', `cannot read channels file ${path}: ${(err as Error).message}`);
  }
  const parsed = ChannelsConfig.safeParse(doc ?? {});
  if (!parsed.success) {
    throw new SentinelError('USAGE', `channels file ${path} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

/**
 * Every channel the routing names must be configured: a rule that names `fhir` on a
 * deployment without a FHIR server would otherwise fill the dead-letter list one delivery at a
 * time. Throws USAGE naming them.
 */
export function checkRoutedChannels(routed: readonly string[], channels: ChannelsConfig): void {
  const available = new Set(configuredChannels(channels));
  const missing = routed.filter((c) => !available.has(c));
  if (missing.length > 0) {
    throw new SentinelError('USAGE', `the profile's routing names channel(s) ${missing.join(', ')} that the channels file (--channels) does not configure (configured: ${[...available].join(', ')})`);
  }
}
