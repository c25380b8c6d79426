import { z } from 'zod';
import { PatientSystems } from '../../notifiers/fhir/patient-identifier.js';

/** A CDS client (an EHR) whose signed JWTs we accept: its issuer and its public keys (JWK Set). */
export const TrustedCdsClient = z.object({
  /** the JWT `iss`, exactly */
  iss: z.string().min(1),
  /** exchanged out of band (CDS Hooks: when no `jku` is used); `jku` URLs are never fetched */
  jwks: z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string() })).min(1) }),
}).strict();
export type TrustedCdsClient = z.infer<typeof TrustedCdsClient>;

/** The CDS Hooks service's configuration: parse once, pass to the plugin. */
export const CdsHooksConfig = z.object({
  /**
   * This service's public base URL, as the EHR calls it (before `/cds-services`): the JWT `aud`
   * must name `<publicBaseUrl>/cds-services[/<id>]`. Behind a proxy it differs from what we see.
   */
  publicBaseUrl: z.string().url(),
  /** the card links to `<inboxBaseUrl>/alerts/<alert id>` */
  inboxBaseUrl: z.string().url(),
  /** `card.source.label` */
  sourceLabel: z.string().min(1).default('POEMS Sentinel'),
  /** `card.source.url`: a page about the service and its rule, if the site has one */
  sourceUrl: z.string().url().optional(),
  /** assigning authority → FHIR identifier system; the same map as the FHIR channel's */
  patientSystems: PatientSystems.default({}),
  /**
   * FHIR base URLs we may read `Patient/<id>` from, with the client's `fhirAuthorization`, when a
   * call brings no prefetch. Any other `fhirServer` is never contacted (a caller must not be able
   * to point us at an arbitrary host).
   */
  fhirServers: z.array(z.string().url()).default([]),
  fhirTimeoutMs: z.number().int().positive().max(10_000).default(2_000),
  /** browser origins allowed by CORS; `*` allows any (the service uses bearer tokens, not cookies) */
  corsOrigins: z.array(z.string().min(1)).default(['*']),
  /** the EHRs allowed to call; empty = every call is refused unless the host brings its own check */
  trustedClients: z.array(TrustedCdsClient).default([]),
  /** longest JWT lifetime accepted (exp − iat); CDS clients issue tokens of a few minutes */
  jwtMaxLifetimeSeconds: z.number().int().positive().max(3_600).default(600),
}).strict();
export type CdsHooksConfig = z.infer<typeof CdsHooksConfig>;
