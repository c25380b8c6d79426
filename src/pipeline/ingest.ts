import { hash } from 'node:crypto';
import type { Logger } from 'pino';
import { decideAlert, releaseExpiredSnooze, standingNotification, type AlertDecision } from '../alerts/alert-decision.js';
import { mergeAlerts, moveAlert } from '../alerts/alert-merge.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { UnreadNote, UnreadReason } from '../domain/unread.js';
import { SentinelError, type ErrorCode } from '../errors.js';
import type { CompiledProfile } from '../extract/compiled-profile.js';
import { extractEffects } from '../extract/extract-message.js';
import { parseMessage } from '../hl7/parse.js';
import type { Hl7Message } from '../hl7/message.js';
import type { AlertQueue } from '../notifiers/alert-queue.js';
import { assessTier, RULE_ID } from '../rules/poems.rule.js';
import type { AlertStore, DeadLetterStore, PatientSnapshot, TimelineStore } from '../store/timeline-store.js';

/** Concurrent writers of one patient's alert are rare (merges across partitions): a few tries suffice. */
const MAX_DECISION_ATTEMPTS = 5;

/** Values and phrases of one message that were seen but not used, counted by reason. */
export type UnreadCounts = Partial<Record<UnreadReason, number>>;

export interface RawMessage {
  text: string;
  bytes: Buffer;
  /** where it came from, for the dead-letter table: "file:<path>#<n>", "mllp:<peer>", "kafka:<t>/<p>/<o>" */
  origin: string;
  receivedAt: string;
}

export type Outcome =
  | {
      status: 'accepted';
      controlId: string;
      duplicate: boolean;
      changedPatients: number;
      message: Hl7Message;
      /** the (facility, MSH-10) came before with other content: applied, and warned as CONTROL_ID_REUSED */
      controlIdReused: boolean;
      /** the message's unread values and phrases by reason (none for a duplicate: counted once) */
      unread: UnreadCounts;
    }
  | { status: 'rejected'; code: ErrorCode; detail: string; permanent: boolean; controlId?: string; message?: Hl7Message };

export interface PipelineDeps {
  timeline: TimelineStore;
  alerts: AlertStore;
  deadLetters: DeadLetterStore;
  /** the pipeline only enqueues; delivering is the dispatcher's */
  queue: Pick<AlertQueue, 'enqueue'>;
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
        return { status: 'accepted', controlId: message.controlId, duplicate: false, changedPatients: 0, message, controlIdReused: false, unread: countByReason(effects.unread) };
      }
      const id = { sendingFacility: message.sendingFacility, controlId: message.controlId, contentHash: contentHash(message.text) };
      // a store that can (Redis) reads the patients' state back in the same step: one round trip
      const applied = await this.deps.timeline.apply(id, effects, { alertRule: RULE_ID });
      if (applied.controlIdReused) {
        // the control id is a message id, not a patient identifier: safe to log
        this.deps.log.warn({ code: 'CONTROL_ID_REUSED' satisfies ErrorCode, sendingFacility: message.sendingFacility, controlId: message.controlId }, 'control id reused with other content: applied');
      }
      for (const m of applied.merges) await this.combineAlerts(m.prior, m.survivor);
      // merges rewrite alerts after the read-back: then the patients are read afresh
      const snapshots = applied.merges.length === 0 ? new Map(applied.snapshots?.map((x) => [x.patient, x])) : new Map<PatientKey, PatientSnapshot>();
      for (const patient of applied.patients) await this.reevaluate(patient, snapshots.get(patient));
      // A duplicate is a re-delivery: the first delivery may have died after the alert write and
      // before its notification was queued. The queue ignores a key it holds: enqueue it again.
      if (applied.duplicate) for (const patient of applied.patients) await this.renotify(patient);
      return {
        status: 'accepted',
        controlId: message.controlId,
        duplicate: applied.duplicate,
        changedPatients: applied.patients.length,
        message,
        controlIdReused: applied.controlIdReused,
        unread: applied.duplicate ? {} : countByReason(effects.unread),
      };
    } catch (err) {
      if (!(err instanceof SentinelError)) throw err;
      if (err.permanent) await this.deadLetter(raw, err.code, err.message);
      return { status: 'rejected', code: err.code, detail: err.message, permanent: err.permanent, ...(message ? { controlId: message.controlId, message } : {}) };
    }
  }

  /** Records bytes that will never be accepted, with their code (nothing read is dropped). */
  async deadLetter(raw: Pick<RawMessage, 'bytes' | 'origin' | 'receivedAt'>, code: ErrorCode, detail: string): Promise<void> {
    await this.deps.deadLetters.add({ receivedAt: raw.receivedAt, origin: raw.origin, code, detail, bytes: raw.bytes });
    // debug: a flood of rejects must not be a line each (the service's dead-letter store logs a
    // summary per minute; replays print their counts)
    this.deps.log.debug({ code, origin: raw.origin }, 'message rejected');
  }

  /**
   * Re-evaluates one patient (spec §4: after every applied finding) and writes the decision with
   * compare-and-set on the alert version: when another instance (or connection) changed the
   * alert meanwhile, read both again and decide again.
   */
  private async reevaluate(patient: PatientKey, snapshot?: PatientSnapshot): Promise<void> {
    const { timeline, alerts, profile, clock, newId } = this.deps;
    let first = snapshot;
    await this.withRetries(async () => {
      // the first try may use the state the store read back with the apply; retries read afresh
      const state = first?.timeline ?? (await timeline.timeline(patient));
      const current = first ? first.alert : await alerts.get(patient, RULE_ID);
      first = undefined;
      if (current === null && state.findings.length === 0) return true;
      const assessment = assessTier(state, profile.profile);
      const decision = decideAlert({ current, assessment, patientKey: patient, ruleId: RULE_ID, now: clock().toISOString(), newId });
      return this.write(decision, current?.version ?? null);
    });
  }

  private async renotify(patient: PatientKey): Promise<void> {
    const alert = await this.deps.alerts.get(patient, RULE_ID);
    const notification = alert === null ? null : standingNotification(alert, this.deps.clock().toISOString());
    if (notification !== null) await this.deps.queue.enqueue(notification);
  }

  /**
   * Releases notifications held back by snoozes whose date has passed, for alerts that no
   * message re-evaluates (spec §4 "a snoozed alert comes back when the date passes"). The
   * service calls it periodically; returns how many alerts changed.
   */
  async sweepSnoozed(): Promise<number> {
    const { alerts, clock } = this.deps;
    let changed = 0;
    for (const listed of await alerts.list({ status: 'snoozed' })) {
      await this.withRetries(async () => {
        const current = await alerts.get(listed.patientKey, listed.rule);
        if (current === null || current.id !== listed.id) return true;
        const decision = releaseExpiredSnooze(current, clock().toISOString());
        if (decision.alert !== null) changed += 1;
        return this.write(decision, current.version);
      });
    }
    return changed;
  }

  /**
   * Spec §4 merges: the prior identifier's alert moves to the survivor when the survivor has
   * none; otherwise the two combine through the merge policy (the survivor's alert stays, the
   * other closes as withdrawn), without a notification. The survivor is re-evaluated next.
   */
  private async combineAlerts(prior: PatientKey, survivor: PatientKey): Promise<void> {
    const { alerts, clock } = this.deps;
    await this.withRetries(async () => {
      const moving = await alerts.get(prior, RULE_ID);
      if (moving === null || moving.patientKey === survivor) return true;
      const existing = await alerts.get(survivor, RULE_ID);
      const now = clock().toISOString();
      if (existing === null) return alerts.replace(moveAlert(moving, survivor, now), null);
      if (existing.id === moving.id) return true;
      const merged = mergeAlerts(existing, moving, now);
      if (!(await alerts.replace(merged.survivor, existing.version))) return false;
      // a concurrent change of the closing alert is re-read and merged again on the next try
      return alerts.replace(merged.closed, moving.version);
    });
  }

  /** Stores a decision with compare-and-set, then enqueues its notification (idempotent by key). */
  private async write(decision: AlertDecision, expectedVersion: number | null): Promise<boolean> {
    if (decision.alert !== null && !(await this.deps.alerts.replace(decision.alert, expectedVersion))) return false;
    if (decision.notification !== null) await this.deps.queue.enqueue(decision.notification);
    return true;
  }

  /** Runs a read-decide-write step until its compare-and-set holds, a bounded number of times. */
  private async withRetries(step: () => Promise<boolean>): Promise<void> {
    for (let attempt = 1; attempt <= MAX_DECISION_ATTEMPTS; attempt++) {
      if (await step()) return;
    }
    throw new SentinelError('STORE_UNAVAILABLE', 'the alert kept changing under concurrent writers');
  }
}

function countByReason(notes: readonly UnreadNote[]): UnreadCounts {
  const counts: UnreadCounts = {};
  for (const n of notes) counts[n.reason] = (counts[n.reason] ?? 0) + 1;
  return counts;
}

/** Identifies a message's content for control-id reuse (spec: same MSH-10, other content). */
function contentHash(text: string): string {
  // one-shot crypto.hash: no Hash object per message (half the cost on the replay path)
  return hash('sha1', text, 'base64url');
}
