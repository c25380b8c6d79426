import { describe, expect, it } from 'vitest';
import { ALIASES, COMPOSITES, KEPT, SEGMENTS, segmentNodes, typeNode, type TypeNode } from '../../src/deidentify/field-types.js';

const ROLES = new Set(['K', 'CODE', 'NSID', 'REGION', 'X', 'IDV', 'NAME', 'ADDR', 'ZIP', 'DTM', 'BIRTH', 'TXT', 'REPORT', 'TEL', 'VARIES', 'DOB']);

/** The leaf roles reachable from a node. */
function leaves(node: TypeNode): Set<string> {
  if (typeof node === 'string') return new Set([node]);
  return new Set([...node.parts, node.rest].flatMap((p) => [...leaves(p)]));
}

const at = (path: string, version = '2.5.1'): TypeNode => {
  const [seg, n] = path.split('-') as [string, string];
  const node = segmentNodes(seg, version)?.[Number(n) - 1];
  if (node === undefined) throw new Error(`${path} is not defined`);
  return node;
};

describe('the segment table', () => {
  it('names only types it knows (an unknown type would silently be removed)', () => {
    for (const [id, types] of Object.entries(SEGMENTS)) for (const t of types) {
      const known = ROLES.has(t) || KEPT.has(t) || t in ALIASES || t in COMPOSITES;
      expect(known, `${id}: ${t}`).toBe(true);
    }
  });

  it('has a date or time at every date field the issue names, and in the composites that carry one', () => {
    for (const path of ['MSH-7', 'EVN-2', 'EVN-6', 'PID-29', 'PID-33', 'PV1-44', 'PV1-45', 'ORC-9', 'OBR-7', 'OBR-8', 'OBR-14', 'OBR-22', 'OBX-14', 'OBX-19', 'SPM-17', 'SPM-18', 'TXA-4', 'TXA-6', 'DG1-5', 'PRB-16', 'AL1-6', 'PR1-5', 'TQ1-7', 'NTE-6', 'IN1-12', 'GT1-13']) {
      expect(leaves(at(path)).has('DTM'), path).toBe(true);
    }
    for (const path of ['PID-7', 'NK1-16', 'GT1-8', 'IN1-18']) expect(leaves(at(path)), path).toEqual(new Set(['K', 'BIRTH']));
    expect(leaves(typeNode('CX')).has('DTM')).toBe(true);
    expect(leaves(typeNode('XCN')).has('DTM')).toBe(true);
  });

  it('has an identifier at every identifier field the issue names', () => {
    for (const path of ['PID-2', 'PID-3', 'PID-4', 'PID-18', 'PID-19', 'PID-20', 'MRG-1', 'PV1-19', 'NK1-12', 'NK1-33', 'GT1-2', 'GT1-19', 'IN1-49', 'IN2-1', 'MSH-10', 'ORC-2', 'ORC-3', 'OBR-2', 'OBR-3', 'SPM-2', 'TXA-12', 'OBX-18']) {
      expect(leaves(at(path)).has('IDV'), path).toBe(true);
    }
  });

  it('removes names, addresses and telecom addresses of patients, relatives, guarantors, insured and providers', () => {
    for (const path of ['PID-5', 'PID-6', 'PID-9', 'NK1-2', 'GT1-3', 'IN1-16', 'IN2-7', 'MRG-7', 'PV1-7', 'ORC-12', 'OBR-16', 'OBR-32', 'TXA-22']) expect(leaves(at(path)).has('NAME'), path).toBe(true);
    for (const path of ['PID-11', 'NK1-4', 'GT1-5', 'IN1-19']) expect(leaves(at(path)).has('ADDR') && leaves(at(path)).has('ZIP'), path).toBe(true);
    for (const path of ['PID-13', 'PID-14', 'NK1-5', 'GT1-6', 'IN1-7', 'ORC-14', 'OBR-17', 'PID-40']) expect(leaves(at(path)).has('TEL'), path).toBe(true);
    for (const path of ['PID-12', 'PID-23', 'NK1-38', 'GT1-56', 'IN1-52']) expect(at(path), path).toBe('X');
  });

  it('reads OBX-20..25 by version: the performing organisation moved to 23-25 in v2.6', () => {
    expect(leaves(at('OBX-21', '2.5.1')).has('ADDR')).toBe(true);
    expect(leaves(at('OBX-21', '2.6')).has('IDV')).toBe(true);
    expect(leaves(at('OBX-24', '2.8')).has('ADDR')).toBe(true);
    expect(leaves(at('OBX-25', '2.8')).has('NAME')).toBe(true);
  });

  it('copies no segment it does not know', () => {
    expect(segmentNodes('ZPI', '2.5.1')).toBeUndefined();
    expect(segmentNodes('STF', '2.5.1')).toBeUndefined();
  });
});
