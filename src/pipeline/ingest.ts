import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { decide } from '../alerts/alert-decision.js';
import type { Alert } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import { SentinelError, type ErrorCode } from '../errors.js';
import type { CompiledProfile } from '../extract/compiled-profile.js';
import { extractEffects } from '../extract/extract-message.js';
import { parseMessage } from '../hl7/parse.js';
import type { Hl7Message } from '../hl7/message.js';
import type { AlertQueue } from '../notifiers/alert-queue.js';
import { evaluate, RULE_ID } from '../rules/poems.rule.js';
import type { AlertStore, DeadLetterStore, TimelineStore } from '../store/timeline-store.js';

/** Concurrent writers of one patient's alert are rare (merges across partitions): a few tries suffice. */
const MAX_DECISION_ATTEMPTS = 5;

export interface RawMessage {
  text: string;
  bytes: Buffer;
  /** where it came from, for the dead-letter table: "file:<path>#<n>", "mllp:<peer>", "kafka:<t>/<p>/<o>" */
  origin: string;
  receivedAt: string;
}

export type Outcome =
  | { status: 'accepted'; controlId: string; duplicate: boolean; changedPatients: number; message: Hl7Message }
  | { status: 'rejected'; code: ErrorCode; detail: string; permanent: boolean; controlId?: string; message?: Hl7Message };

export interface PipelineDeps {
  timeline: TimelineStore;
  alerts: AlertStore;
  deadLetters: DeadLetterStore;
  queue: AlertQueue;
  profile: CompiledProfile;
  clock: () => Date;
  newId: () => string;
  log: Logger;
}

/**
 * The one path every message takes, whatever its transport: parse → extract → store →
 * evaluate → decide → enqueue. Durability is the caller's: it flushes the stores before it
 * acknowledges the message (design/architecture.md, "ack() only after durably stored").
 */
export class Pipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async handle(raw: RawMessage): Promise<Outcome> {
    let message: Hl7Message | undefined;
    try {
      message = parseMessage(raw.text);
      const effects = extractEffects(message, this.deps.profile, raw.receivedAt);
      if (effects.results.length === 0 && effects.merges.length === 0) {
        return { status: 'accepted', controlId: message.controlId, duplicate: false, changedPatients: 0, message };
      }
      const applied = await this.deps.timeline.apply({ sendingFacility: message.sendingFacility, controlId: message.controlId, contentHash: contentHash(message.text) }, effects);
      for (const m of applied.merges) await this.moveAlert(m.prior, m.survivor);
      for (const patient of applied.patients) await this.reevaluate(patient);
      return { status: 'accepted', controlId: message.controlId, duplicate: applied.duplicate, changedPatients: applied.patients.length, message };
    } catch (err) {
      if (!(err instanceof SentinelError)) throw err;
      if (err.permanent) await this.deadLetter(raw, err.code, err.message);
      return { status: 'rejected', code: err.code, detail: err.message, permanent: err.permanent, ...(message ? { controlId: message.controlId, message } : {}) };
    }
  }

  /** Records bytes that will never be accepted, with their code (nothing read is dropped). */
  async deadLetter(raw: Pick<RawMessage, 'bytes' | 'origin' | 'receivedAt'>, code: ErrorCode, detail: string): Promise<void> {
    await this.deps.deadLetters.add({ receivedAt: raw.receivedAt, origin: raw.origin, code, detail, bytes: raw.bytes });
    this.deps.log.warn({ code, origin: raw.origin }, 'message rejected');
  }

  /**
   * Re-evaluates one patient and writes the decision with compare-and-set: when another
   * instance (or connection) changed the alert meanwhile, read both again and decide again.
   */
  private async reevaluate(patient: PatientKey): Promise<void> {
    const { timeline, alerts, queue, profile, clock, newId } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const state = await timeline.timeline(patient);
      const current = await alerts.get(patient, RULE_ID);
      if (current === null && state.findings.length === 0) return;
      const assessment = evaluate(state.findings, profile.profile);
      const decision = decide({ current, assessment, patientKey: patient, ruleId: RULE_ID, now: clock().toISOString(), newId });
      if (decision.alert && !(await alerts.replace(decision.alert, current?.version ?? null))) {
        if (attempt < MAX_DECISION_ATTEMPTS) continue;
        throw new SentinelError('STORE_UNAVAILABLE', 'the alert kept changing under concurrent writers');
      }
      if (decision.notification) await queue.enqueue(decision.notification);
      return;
    }
  }

  /** Spec §2 merges: the prior identifier's open alert moves to the survivor, unless it has one. */
  private async moveAlert(prior: PatientKey, survivor: PatientKey): Promise<void> {
    const { alerts } = this.deps;
    const moving = await alerts.get(prior, RULE_ID);
    if (moving === null) return;
    const existing = await alerts.get(survivor, RULE_ID);
    const now = this.deps.clock().toISOString();
    if (existing === null) {
      await alerts.rekey(withHistory(moving, now, `merged from ${prior}`), survivor);
      return;
    }
    await alerts.put(withHistory({ ...moving, status: 'withdrawn' }, now, `merged into ${survivor}; see that patient's alert`));
  }
}

/** Identifies a message's content for control-id reuse (spec: same MSH-10, other content). */
function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

function withHistory(alert: Alert, now: string, reason: string): Alert {
  return { ...alert, updatedAt: now, history: [...alert.history, { at: now, event: 'merged', tier: alert.tier, status: alert.status, reason }] };
}
