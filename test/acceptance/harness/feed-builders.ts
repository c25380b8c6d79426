/**
 * Messages for sequence rows, written the way a hospital's systems send them: an ADT^A08 with
 * DG1 from the EHR, ORU^R01 results from the laboratory, radiology and pathology reports. Each
 * builder returns one step; options change what a row is about (order number, OBX-11 status,
 * MSH-7, patient identifiers, sending facility).
 * Times are written "YYYYMMDD" (noon) or "YYYYMMDDHHMM", UTC.
 */

export type Step =
  | { kind: 'msg'; text: string }
  | { kind: 'act'; act: 'dismiss' | 'snooze' | 'ack'; until?: string; patient?: string }
  | { kind: 'now'; at: string };

export interface Who {
  /** PID-3 as sent (default P100^^^HOSPA^MR) */
  pid3?: string;
  /** MSH-4 (default HOSPA) */
  from?: string;
  /** PID-8 (default M) */
  sex?: string;
}

export interface MsgOptions extends Who {
  /** MSH-10 (default: a fresh one) */
  id?: string;
  /** MSH-7 when it differs from the observation time */
  sent?: string;
  /** filler order number OBR-3 (placer OBR-2 = "P" + it); default: a fresh one */
  order?: string;
  /** OBX-11 (default F) */
  status?: string;
  /** OBR-25 (default: the OBX status) */
  obrStatus?: string;
}

let counter = 0;
const fresh = (prefix: string): string => `${prefix}${(++counter).toString().padStart(5, '0')}`;

/** "20250301" → "20250301120000"; "202503011530" → "20250301153000" */
export function hl7Ts(t: string): string {
  if (t.length === 8) return `${t}120000`;
  if (t.length === 12) return `${t}00`;
  return t;
}

function header(type: string, t: string, o: MsgOptions): string[] {
  return [
    `MSH|^~\\&|SENDER|${o.from ?? 'HOSPA'}|POEMS-SENTINEL|HOSPA|${hl7Ts(o.sent ?? t)}||${type}|${o.id ?? fresh('M')}|P|2.5.1`,
    `PID|1||${o.pid3 ?? 'P100^^^HOSPA^MR'}||TESTPATIENT^ALPHA||19600101|${o.sex ?? 'M'}`,
  ];
}

const msg = (lines: string[]): Step => ({ kind: 'msg', text: lines.join('\r') });

/** ADT^A08 (EVN-2 = t) with the given segments after PV1. */
export function adt(t: string, segs: string[], o: MsgOptions = {}): Step {
  const [mshSeg = '', pidSeg = ''] = header('ADT^A08^ADT_A01', t, o);
  return msg([mshSeg, `EVN|A08|${hl7Ts(t)}`, pidSeg, 'PV1|1|I|NEURO^101^^HOSPA', ...segs]);
}

export interface DxOptions extends MsgOptions {
  /** DG1-6 (default F) */
  type?: string;
  /** DG1-5 onset, "YYYYMMDD" */
  onset?: string;
  /** DG1-21 (D deletes) */
  action?: string;
}

/** One DG1: `code` is DG1-3 as sent, e.g. "G61.81^Chronic inflammatory demyelinating polyneuritis^I10". */
export function dx(t: string, code: string, o: DxOptions = {}): Step {
  const fields = ['DG1', '1', '', code, '', o.onset ? hl7Ts(o.onset) : '', o.type ?? 'F'];
  if (o.action) {
    while (fields.length < 21) fields.push('');
    fields.push(o.action);
  }
  return adt(t, [fields.join('|')], o);
}

export const CIDP = 'G61.81^Chronic inflammatory demyelinating polyneuritis^I10';
export const PN = 'G62.9^Polyneuropathy, unspecified^I10';
export const cidp = (t: string, o: DxOptions = {}): Step => dx(t, CIDP, o);
export const pn = (t: string, o: DxOptions = {}): Step => dx(t, PN, o);

/** ORU^R01 with one OBR and its OBX lines. */
export function oru(t: string, service: string, obxs: string[], o: MsgOptions = {}, extra: string[] = []): Step {
  const order = o.order ?? fresh('F');
  const status = o.status ?? 'F';
  const time = hl7Ts(t);
  return msg([
    ...header('ORU^R01^ORU_R01', t, o),
    `ORC|RE|P${order}|${order}`,
    `OBR|1|P${order}|${order}|${service}|||${time}|||||||${time}||D0042^SYNTHETIC^DOCTOR||||||${hl7Ts(o.sent ?? t)}||LAB|${o.obrStatus ?? status}`,
    ...obxs.map((x, i) => `OBX|${i + 1}|${x.replace(/\{S\}/g, status).replace(/\{T\}/g, time)}`),
    ...extra,
  ]);
}

const CBC = '58410-2^CBC panel - Blood by Automated count^LN';

export interface LabOptions extends MsgOptions {
  unit?: string;
  range?: string;
}

export function plt(t: string, value: number | string, o: LabOptions = {}): Step {
  return oru(t, CBC, [`NM|777-3^Platelets [#/volume] in Blood by Automated count^LN||${value}|${o.unit ?? '10*3/uL'}|${o.range ?? '150-400'}||||{S}|||{T}`], o);
}

export function hb(t: string, value: number | string, o: LabOptions = {}): Step {
  return oru(t, CBC, [`NM|718-7^Hemoglobin [Mass/volume] in Blood^LN||${value}|${o.unit ?? 'g/dL'}|${o.range ?? '13.5-17.5'}||||{S}|||{T}`], o);
}

export function hct(t: string, value: number | string, o: LabOptions = {}): Step {
  return oru(t, CBC, [`NM|4544-3^Hematocrit [Volume Fraction] of Blood by Automated count^LN||${value}|${o.unit ?? '%'}|${o.range ?? '40-50'}||||{S}|||{T}`], o);
}

/** A normal full blood count: watched values, nothing abnormal. */
export function normalCbc(t: string, o: MsgOptions = {}): Step {
  return oru(t, CBC, [
    'NM|6690-2^Leukocytes [#/volume] in Blood by Automated count^LN||6.1|10*3/uL|4.0-11.0|N|||{S}|||{T}',
    'NM|718-7^Hemoglobin [Mass/volume] in Blood^LN||14.1|g/dL|13.5-17.5|N|||{S}|||{T}',
    'NM|4544-3^Hematocrit [Volume Fraction] of Blood by Automated count^LN||42.0|%|40-50|N|||{S}|||{T}',
    'NM|777-3^Platelets [#/volume] in Blood by Automated count^LN||260|10*3/uL|150-400|N|||{S}|||{T}',
  ], o);
}

/** Serum (or urine) immunofixation interpretation as one TX line. */
export function ife(t: string, text: string, o: MsgOptions & { urine?: boolean } = {}): Step {
  const code = o.urine ? '13440-3^Immunofixation [interpretation] for Urine^LN' : '25700-6^Immunofixation [interpretation] for Serum or Plasma^LN';
  return oru(t, code, [`TX|${code}||${text}||||||{S}|||{T}`], o);
}

export function spep(t: string, spike: number | string, o: MsgOptions = {}): Step {
  return oru(t, '24351-9^Protein electrophoresis panel - Serum or Plasma^LN', [`NM|33358-3^Protein.monoclonal [Mass/volume] in Serum or Plasma by Electrophoresis^LN||${spike}|g/dL|||||{S}|||{T}`], o);
}

/** Serum free light chain κ/λ ratio (48378-4) with the lab's range. */
export function flc(t: string, ratio: number | string, o: LabOptions = {}): Step {
  return oru(t, '36916-5^Kappa light chains.free^LN', [`NM|48378-4^Kappa lc.free/Lambda lc.free [Mass Ratio] in Serum^LN||${ratio}||${o.range ?? '0.26-1.65'}||||{S}|||{T}`], o);
}

/** Plasma VEGF (SPM-4 PLAS unless `specimen` says otherwise). */
export function vegf(t: string, value: number | string, o: LabOptions & { specimen?: string } = {}): Step {
  const spm = `SPM|1|||${o.specimen ?? 'PLAS^Plasma^HL70487'}`;
  return oru(t, '75628-8^VEGF^LN', [`NM|75628-8^Vascular endothelial growth factor A [Mass/volume] in Serum or Plasma^LN||${value}|${o.unit ?? 'pg/mL'}|${o.range ?? '0-96'}||||{S}|||{T}`], o, [spm]);
}

/** A text report, one TX OBX per line (same OBX-3, OBX-4 = 1..n). */
export function report(t: string, code: string, lines: string[], o: MsgOptions = {}): Step {
  return oru(t, code, lines.map((l, i) => `TX|${code}|${i + 1}|${l}||||||{S}|||{T}`), o);
}

export const CT = '24627-2^CT Chest^LN';
export const SKELETAL = '36643-5^XR Bones Survey^LN';
export const MARROW = '33721-2^Bone marrow Pathology biopsy report^LN';
export const NODE = '22634-0^Pathology report gross and microscopic observation^LN';
export const NCS = 'NCSRPT^Nerve conduction study report^L';

/** ADT^A40: `prior` (MRG-1) merged into `survivor` (PID-3). */
export function a40(t: string, survivorPid3: string, priorPid3: string, o: MsgOptions = {}): Step {
  const [mshSeg = '', pidSeg = ''] = header('ADT^A40^ADT_A39', t, { ...o, pid3: survivorPid3 });
  return msg([mshSeg, `EVN|A40|${hl7Ts(t)}`, pidSeg, `MRG|${priorPid3}`]);
}

export const dismissAlert = (patient?: string): Step => ({ kind: 'act', act: 'dismiss', ...(patient ? { patient } : {}) });
export const ackAlert = (patient?: string): Step => ({ kind: 'act', act: 'ack', ...(patient ? { patient } : {}) });
export const snoozeAlert = (until: string, patient?: string): Step => ({ kind: 'act', act: 'snooze', until, ...(patient ? { patient } : {}) });
/** the clinician's (and the service's) clock moves to `t` */
export const clockAt = (t: string): Step => ({ kind: 'now', at: t });
