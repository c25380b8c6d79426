/**
 * HL7 v2.5.1 segment and message builders: pure string functions, segments joined by "\r".
 * Every identity is obviously fake (assigning authority SYNTH, facility SYNTHLAB, sending
 * application SENTINEL-GEN).
 */
import { hl7Time } from './time.js';

const MSH_HEAD = 'MSH|^~\\&|SENTINEL-GEN|SYNTHLAB|POEMS-SENTINEL|SYNTHHOSP|';
const ORDERING = 'D0042^SYNTHETIC^DOCTOR';

export function msh(time: number, type: string, controlId: string): string {
  return `${MSH_HEAD}${hl7Time(time)}||${type}|${controlId}|P|2.5.1`;
}

export interface Person {
  id: string;
  key: string;
  /** rendered PID segment */
  pid: string;
}

export function makePerson(id: string, name: string, dob: string, sex: 'M' | 'F'): Person {
  return {
    id,
    key: `SYNTH|${id}`,
    pid: `PID|1||${id}^^^SYNTH^MR||${name}||${dob}|${sex}|||1 TEST STREET^^SYNTHVILLE^^00000`,
  };
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
  return `${msh(time, 'ORU^R01^ORU_R01', controlId)}\r${person.pid}\rORC|RE|ORD${no}|LAB${no}\r${obrSeg}${body}`;
}
