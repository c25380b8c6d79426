/**
 * HL7 v2.5.1 segment and message builders: pure string functions, segments joined by "\r".
 * Every identity is obviously fake (assigning authorities SYNTH and SYNTHREF, facilities
 * SYNTHLAB, SYNTH and SYNTHREF, sending application SENTINEL-GEN).
 */
import { hl7Time } from './time.js';

const ORDERING = 'D0042^SYNTHETIC^DOCTOR';

export function msh(time: number, type: string, controlId: string, facility = 'SYNTHLAB'): string {
  return `MSH|^~\\&|SENTINEL-GEN|${facility}|POEMS-SENTINEL|SYNTHHOSP|${hl7Time(time)}||${type}|${controlId}|P|2.5.1`;
}

/** One identity as one sender writes it: the PID it sends, its MSH-4 and the key spec §1.3 derives. */
export interface Person {
  id: string;
  /** "<authority>|<id>" by spec §1.3 */
  key: string;
  /** rendered PID segment */
  pid: string;
  /** MSH-4 of the system that sends under this identity */
  facility: string;
}

const pidSegment = (pid3: string, name: string, dob: string, sex: string): string =>
  `PID|1||${pid3}||${name}||${dob}|${sex}|||1 TEST STREET^^SYNTHVILLE^^00000`;

export function makePerson(id: string, name: string, dob: string, sex: 'M' | 'F'): Person {
  return { id, key: `SYNTH|${id}`, pid: pidSegment(`${id}^^^SYNTH^MR`, name, dob, sex), facility: 'SYNTHLAB' };
}

/**
 * The hospital's own systems leave PID-3.4 empty; MSH-4 is SYNTH, so the key is still
 * "SYNTH|<id>" (spec §1.3: a missing authority is taken from MSH-4).
 */
export function withoutAuthority(p: Person, name: string, dob: string, sex: 'M' | 'F'): Person {
  return { ...p, pid: pidSegment(`${p.id}^^^^MR`, name, dob, sex), facility: 'SYNTH' };
}

/** The EHR lists the reference lab's identifier (type PI) after the MRN: an alias of the key. */
export function withAlias(p: Person, alias: string, name: string, dob: string, sex: 'M' | 'F'): Person {
  return { ...p, pid: pidSegment(`${p.id}^^^SYNTH^MR~${alias}^^^SYNTHREF^PI`, name, dob, sex) };
}

/** The reference lab sends under its own identifier only (MSH-4 SYNTHREF). */
export function referenceLabPerson(alias: string, name: string, dob: string, sex: 'M' | 'F'): Person {
  return { id: alias, key: `SYNTHREF|${alias}`, pid: pidSegment(`${alias}^^^SYNTHREF^PI`, name, dob, sex), facility: 'SYNTHREF' };
}

export function pv1(patientClass: string, location: string, service: string, visit: string): string {
  return `PV1|1|${patientClass}|${location}^^^SYNTHHOSP||||${ORDERING}|||${service}|||||||||${visit}`;
}

/**
 * OBR with placer "ORD<no>" and filler "LAB<no>"; OBR-7 = OBR-14 = collection, OBR-22 = report time.
 * A correction or deletion keeps OBR-7/OBX-14 at the collection time and has a later MSH-7
 * (spec §2 "the latest message for a resultKey wins").
 */
export function obr(no: string, service: string, collected: number, reported: number, status: string, specimen: string, section = 'LAB'): string {
  const c = hl7Time(collected);
  return `OBR|1|ORD${no}|LAB${no}|${service}|||${c}|||||||${c}|${specimen}|${ORDERING}||||||${hl7Time(reported)}||${section}|${status}`;
}

export function obx(
  n: number,
  type: string,
  code: string,
  sub: string,
  value: string,
  unit: string,
  range: string,
  flag: string,
  status: string,
  observed: string,
): string {
  return `OBX|${n}|${type}|${code}|${sub}|${value}|${unit}|${range}|${flag}|||${status}|||${observed}`;
}

/** ORU^R01: MSH, PID, ORC, OBR, then `body` (segments each preceded by "\r"). */
export function oru(person: Person, controlId: string, time: number, no: string, obrSeg: string, body: string): string {
  return `${msh(time, 'ORU^R01^ORU_R01', controlId, person.facility)}\r${person.pid}\rORC|RE|ORD${no}|LAB${no}\r${obrSeg}${body}`;
}
