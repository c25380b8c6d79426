/**
 * Sequence acceptance rows: a short feed through the real embedded pipeline (SQLite in memory,
 * the default profile), then what a user sees: the patient's alert tier and status, and the
 * notifications sent (`tier@episode`).
 */
import pino from 'pino';
import { expect, it } from 'vitest';
import { acknowledge, dismiss, snooze } from '../../../src/alerts/alert-actions.js';
import { DEFAULT_PROFILE } from '../../../src/config/default-profile.js';
import type { Alert, AlertStatus, Notification } from '../../../src/domain/alert.js';
import type { Tier } from '../../../src/domain/tier.js';
import { startEmbedded } from '../../../src/app/embedded.js';
import { hl7Ts, type Step } from './feed-builders.js';

export interface PatientOutcome {
  /** the alert's tier; omit when only the status matters (a withdrawn alert keeps its last tier) */
  tier?: Tier;
  /** the alert's status, or 'none' when the patient has no alert; omit to not check */
  status?: AlertStatus | 'none';
  /** notifications for this patient, as "tier@episode", in any order; omit to not check */
  notified?: string[];
}

export interface SequenceCase {
  label: string;
  steps: Step[];
  /** the outcome for HOSPA|P100 (or `patient`) */
  want: PatientOutcome;
  patient?: string;
  /** outcomes for other patient keys of the row */
  also?: Record<string, PatientOutcome>;
  /** every notification of the row, whatever its patient key, as "tier@episode" (any order) */
  notifications?: string[];
  /** error codes of messages the row expects to be rejected, in order (default none) */
  rejected?: string[];
}

const quiet = pino({ level: 'silent' });

function msh7(text: string): Date {
  const t = hl7Ts(text.split('\r')[0]?.split('|')[6] ?? '');
  return new Date(Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14)));
}

function iso(t: string): Date {
  const h = hl7Ts(t);
  return new Date(Date.UTC(+h.slice(0, 4), +h.slice(4, 6) - 1, +h.slice(6, 8), +h.slice(8, 10), +h.slice(10, 12)));
}

/** Runs the steps; returns per patient key its alert and the notifications, plus rejections. */
export async function runSequence(steps: readonly Step[]): Promise<{ alerts: Alert[]; notifications: Notification[]; rejected: string[] }> {
  let now = new Date(Date.UTC(2020, 0, 1));
  const app = startEmbedded({ dbPath: ':memory:', profile: DEFAULT_PROFILE, log: quiet, synchronous: 'NORMAL', clock: () => now });
  const rejected: string[] = [];
  try {
    for (const step of steps) {
      if (step.kind === 'now') {
        now = iso(step.at);
      } else if (step.kind === 'msg') {
        const sent = msh7(step.text);
        // the service receives a message shortly after it is sent
        if (sent.getTime() + 60_000 > now.getTime()) now = new Date(sent.getTime() + 60_000);
        const out = await app.pipeline.handle({ text: step.text, bytes: Buffer.from(step.text, 'utf8'), origin: 'acceptance', receivedAt: now.toISOString() });
        if (out.status === 'rejected') rejected.push(out.code);
      } else {
        const key = step.patient ?? 'HOSPA|P100';
        const alert = (await app.alerts.list()).find((a) => a.patientKey === key && a.status !== 'withdrawn') ?? (await app.alerts.list()).find((a) => a.patientKey === key);
        if (!alert) throw new Error(`no alert for ${key} to ${step.act}`);
        const at = now.toISOString();
        const next =
          step.act === 'dismiss' ? dismiss(alert, at, 'poems-excluded', 'acceptance test')
            : step.act === 'snooze' ? snooze(alert, at, iso(step.until ?? '').toISOString())
              : acknowledge(alert, at, 'acceptance');
        if (!(await app.alerts.replace({ ...next, version: alert.version + 1 }, alert.version))) throw new Error('alert changed meanwhile');
      }
    }
    const alerts = await app.alerts.list();
    const rows = app.db.db.prepare('SELECT body FROM outbox').all() as { body: string }[];
    // the spec's notifications (§4: created, escalated, reopened); status notifications only keep
    // stateful channels in step with an alert's status (issue 8, notifiers/status-sync.ts)
    const notifications = rows.map((r) => JSON.parse(r.body) as Notification).filter((n) => n.event !== 'status');
    return { alerts, notifications, rejected };
  } finally {
    await app.stop();
  }
}

function outcomeOf(key: string, want: PatientOutcome, alerts: readonly Alert[], notifications: readonly Notification[]): PatientOutcome {
  const mine = alerts.filter((a) => a.patientKey === key);
  // one alert per patient and rule (spec §4); if there are more, show the live one
  const alert = mine.find((a) => a.status !== 'withdrawn') ?? mine[0];
  const got: PatientOutcome = {};
  if (want.status !== undefined) got.status = alert?.status ?? 'none';
  if (want.tier !== undefined) got.tier = alert?.tier;
  if (want.notified !== undefined) got.notified = notifications.filter((n) => n.patientKey === key).map((n) => `${n.tier}@${n.episode}`).sort();
  return got;
}

/** One `it` per row. */
export function sequenceCases(rows: readonly SequenceCase[]): void {
  for (const c of rows) {
    it(c.label, async () => {
      const { alerts, notifications, rejected } = await runSequence(c.steps);
      const keys = { [c.patient ?? 'HOSPA|P100']: c.want, ...c.also };
      const got: Record<string, PatientOutcome> = {};
      const want: Record<string, PatientOutcome> = {};
      for (const [key, w] of Object.entries(keys)) {
        got[key] = outcomeOf(key, w, alerts, notifications);
        want[key] = { ...w, ...(w.notified ? { notified: [...w.notified].sort() } : {}) };
      }
      const all = c.notifications === undefined ? {} : { notifications: notifications.map((n) => `${n.tier}@${n.episode}`).sort() };
      const allWanted = c.notifications === undefined ? {} : { notifications: [...c.notifications].sort() };
      const actual = { outcomes: got, ...all, rejected };
      expect(actual, `got ${JSON.stringify(actual)}`).toEqual({ outcomes: want, ...allWanted, rejected: c.rejected ?? [] });
      // one alert per patient and rule (spec §4)
      const live = alerts.filter((a) => a.status !== 'withdrawn').map((a) => a.patientKey);
      expect(new Set(live).size, 'one live alert per patient').toBe(live.length);
    });
  }
}
