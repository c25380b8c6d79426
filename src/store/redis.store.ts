import type { Redis } from 'ioredis';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import type { StatusClass } from '../domain/finding.js';
import type { Alert } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { Measurement, MessageEffects } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';
import { NO_FINDINGS, findingsAsRead, kindsOf, listJson, type FirstSeen } from './policy/stored-version.js';
import { luaScript } from './redis/lua-scripts.js';
import { timelineFromRows, type TimelineRow } from './policy/timeline-view.js';
import type { ApplyResult, MessageId, ReadBack, TimelineStore } from './ports/timeline-store.port.js';
import { redisAlertKeys } from './redis-alert.store.js';

interface Commands {
  poemsSentinelApplyV3(
    msgs: string, seq: string, patients: string, merges: string, reused: string, findingRows: string, alertBodies: string, alertIndex: string,
    prefix: string, msgId: string, meta: string, ...parts: string[]
  ): Promise<string>;
  poemsSentinelTimelineV2(merges: string, prefix: string, patient: string): Promise<string[]>;
}

interface ApplyReply {
  d: 0 | 1;
  /** cjson encodes an empty Lua table as {} */
  p: PatientKey[] | Record<string, never>;
  m: [PatientKey, PatientKey][] | Record<string, never>;
  /** 1: the control id was reused with other content */
  u: 0 | 1;
  /** with readBack: [patient, alert JSON or '', resultKey, version, ...] per patient of `p` */
  s?: [PatientKey, string, ...string[]][] | Record<string, never>;
}

export interface RedisTimelineStoreOptions {
  /** prefix of every key this store writes; default `sentinel:` */
  prefix?: string;
}

/**
 * Keys (all under `prefix`, default `sentinel:`), as redis/apply.lua describes them:
 *   <prefix>msg            hash  JSON [facility, controlId] → "<content hash>\n<patient>" (patient '' if none)
 *   <prefix>msg:reused     set   "<JSON [facility, controlId]>\n<content hash>" of reused control ids applied
 *   <prefix>seq            int   arrival sequence, INCR inside the apply script (version tie-break)
 *   <prefix>patients       set   patients holding at least one result (patientCount)
 *   <prefix>merges         hash  prior → survivor, always one hop (chains are flattened)
 *   <prefix>p:<patient>    hash  resultKey → stored version (policy/stored-version.ts, JSON members last)
 *   <prefix>mr:<survivor>  set   the priors that point at <survivor> (to repoint chains)
 *   <prefix>finding-rows   hash  patient → how many of its result keys hold findings (re-evaluation)
 *
 * Single Redis only: the script reads and writes per-patient keys it only learns while running
 * (after resolving merges), which Redis Cluster forbids (one script = declared keys of one hash
 * slot). This project targets one Redis (AOF on; Kafka keeps the raw feed for rebuilds).
 *
 * The distributed TimelineStore. `apply` is one Lua script, so several instances (each with its
 * own connection) can apply messages of the same patients concurrently: Redis runs scripts one
 * at a time, and the script checks-and-sets the message id, resolves merges, compares versions
 * and writes in one step. The connection is the caller's: this store never closes it.
 */
export class RedisTimelineStore implements TimelineStore {
  readonly prefix: string;
  private readonly cmd: Commands;
  private readonly keys: { msgs: string; seq: string; patients: string; merges: string; reused: string; findingRows: string; alertBodies: string; alertIndex: string };

  constructor(private readonly redis: Redis, options: RedisTimelineStoreOptions = {}) {
    // the scripts build per-patient keys themselves: an ioredis keyPrefix would not reach them
    if (redis.options.keyPrefix) throw new Error('RedisTimelineStore: use the prefix option, not an ioredis keyPrefix');
    this.prefix = options.prefix ?? STATE_DEFAULTS.redisPrefix;
    const p = this.prefix;
    const alerts = redisAlertKeys(p);
    this.keys = {
      msgs: `${p}msg`, seq: `${p}seq`, patients: `${p}patients`, merges: `${p}merges`, reused: `${p}msg:reused`, findingRows: `${p}finding-rows`,
      alertBodies: alerts.bodies, alertIndex: alerts.index,
    };
    // defineCommand: EVALSHA, falling back to EVAL (which loads the script) on NOSCRIPT
    redis.defineCommand('poemsSentinelApplyV3', { numberOfKeys: 8, lua: luaScript('apply') });
    redis.defineCommand('poemsSentinelTimelineV2', { numberOfKeys: 1, lua: luaScript('timeline') });
    this.cmd = redis as unknown as Commands;
  }

  /**
   * One script per message (issue 7 item 6): idempotency, versions, merges and, with `readBack`,
   * the re-evaluated patients' rows and alerts, so the pipeline's first decision costs no
   * further round trip.
   */
  async apply(id: MessageId, effects: MessageEffects, readBack?: ReadBack): Promise<ApplyResult> {
    const meta = {
      a: readBack?.alertRule,
      p: effects.patientKey ?? undefined,
      h: id.contentHash ?? '',
      r: effects.results.map((v) => ({
        p: v.patientKey,
        k: v.resultKey,
        s: v.status,
        c: v.statusClass,
        e: v.effect,
        t: v.messageTime,
        ms: msOf(v.messageTime),
        o: v.effect === 'remove' ? '' : v.observedAt,
        n: v.storeIfNew === false ? 0 : 1,
        ks: v.effect === 'remove' ? [] : kindsOf(v),
      })),
      m: effects.merges.map((m) => [m.prior, m.survivor]),
    };
    // per version: findings (as read), notes, measurement; a removal stores none (a tombstone)
    const parts = effects.results.flatMap((v) =>
      v.effect === 'remove'
        ? [NO_FINDINGS, '[]', 'null']
        : [listJson(findingsAsRead(v)), listJson(v.notes), v.measurement === undefined ? 'null' : JSON.stringify(v.measurement)],
    );
    const k = this.keys;
    const reply = await this.cmd.poemsSentinelApplyV3(
      k.msgs, k.seq, k.patients, k.merges, k.reused, k.findingRows, k.alertBodies, k.alertIndex,
      this.prefix, JSON.stringify([id.sendingFacility, id.controlId]), JSON.stringify(meta),
      ...parts,
    );
    const r = JSON.parse(reply) as ApplyReply;
    const patients = Array.isArray(r.p) ? r.p : [];
    const merges = Array.isArray(r.m) ? r.m.map(([prior, survivor]) => ({ prior, survivor })) : [];
    const result: ApplyResult = { duplicate: r.d === 1, patients, merges, controlIdReused: r.u === 1 };
    if (readBack !== undefined) {
      result.snapshots = (Array.isArray(r.s) ? r.s : []).map(([patient, alert, ...flat]) => ({
        patient,
        timeline: timelineOfFlat(patient, flat),
        alert: alert === '' ? null : (JSON.parse(alert) as Alert),
      }));
    }
    return result;
  }

  async timeline(patient: PatientKey): Promise<Timeline> {
    const [key, ...flat] = await this.cmd.poemsSentinelTimelineV2(this.keys.merges, this.prefix, patient);
    return timelineOfFlat(key ?? patient, flat);
  }

  async resolve(patient: PatientKey): Promise<PatientKey> {
    return (await this.redis.hget(this.keys.merges, patient)) ?? patient;
  }

  async patientCount(): Promise<number> {
    return this.redis.scard(this.keys.patients);
  }
}

/** A timeline from HGETALL's flat [resultKey, version, ...] of a patient's hash. */
function timelineOfFlat(patient: PatientKey, flat: readonly string[]): Timeline {
  const rows: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) rows.push([flat[i] as string, flat[i + 1] as string]);
  // a stable order (by result key), like the SQLite primary key
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return timelineFromRows(patient, rows.map(([, raw]) => decodeStored(raw)));
}

/** Date.parse as a decimal string for the script, or null where it gives NaN. */
function msOf(messageTime: string): string | null {
  const ms = Date.parse(messageTime);
  return Number.isNaN(ms) ? null : String(ms);
}

const MEASUREMENT = ',"measurement":';
const SUPERSEDED = ',"superseded":';
const NOTES = ',"notes":';
const FINDINGS = ',"findings":';

/** A stored version as the script wrote it (see redis/apply.lua), its JSON members kept as text. */
function decodeStored(raw: string): TimelineRow {
  const f = raw.indexOf(FINDINGS);
  const m = raw.indexOf(MEASUREMENT);
  const findings = raw.slice(f + FINDINGS.length, -1);
  // written before rule v2
  if (m < 0) return { statusClass: 'final', observedAt: '', firstSeen: {}, findings, notes: '[]', superseded: NO_FINDINGS, measurement: null };
  const n = raw.indexOf(NOTES, m);
  const s = raw.indexOf(SUPERSEDED, m);
  const header = JSON.parse(`${raw.slice(0, m)}}`) as { statusClass: StatusClass; observedAt: string; firstSeen: FirstSeen };
  const measurement = raw.slice(m + MEASUREMENT.length, s < 0 ? n : s);
  return {
    statusClass: header.statusClass,
    observedAt: header.observedAt,
    firstSeen: header.firstSeen,
    findings,
    notes: raw.slice(n + NOTES.length, f),
    superseded: s < 0 ? NO_FINDINGS : raw.slice(s + SUPERSEDED.length, n),
    measurement: measurement === 'null' ? null : (JSON.parse(measurement) as Measurement),
  };
}
