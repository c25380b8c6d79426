import { Alert, notificationKey, type Notification } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import type { Recipient } from '../../src/domain/recipient.js';
import type { Delivery } from '../../src/notifiers/notifier.port.js';

/** Synthetic only: an invented facility, control ids and patient number. */
export const FACILITY = 'SYNTHLAB';
export const AUTHORITY = 'SYNTH-HOSP';
export const PATIENT_ID = 'P000123';
export const PATIENT_KEY = `${AUTHORITY}|${PATIENT_ID}`;
export const PATIENT_SYSTEM = 'urn:oid:2.999.1.2.3';

const source = (messageControlId: string, segment: string, resultKey: string): Finding['source'] => ({ messageControlId, sendingFacility: FACILITY, segment, resultKey });

export const EVIDENCE: Finding[] = [
  { kind: 'neuropathy', observedAt: '2025-01-10T09:00:00.000Z', qualifiers: { cidp: true, matched: 'G61.81' }, certainty: 'definite', source: source('MSG0001', 'DG1[1]', 'DG1|G61.81') },
  { kind: 'clone', observedAt: '2025-02-03T11:20:00.000Z', qualifiers: { lightChain: 'lambda', heavyChain: 'IgA', method: 'ife', matched: 'IgA lambda monoclonal band' }, certainty: 'definite', source: source('MSG0002', 'OBX[1]', 'F1001|25700-6|') },
  { kind: 'vegfHigh', observedAt: '2025-02-05T08:00:00.000Z', value: 850, unit: 'pg/mL', qualifiers: { specimen: 'plasma' }, certainty: 'definite', source: source('MSG0003', 'OBX[1]', 'F1002|75628-8|') },
  { kind: 'thrombocytosis', observedAt: '2025-02-05T08:00:00.000Z', value: 612, unit: '10*9/L', qualifiers: {}, certainty: 'definite', source: source('MSG0004', 'OBX[2]', 'F1003|777-3|') },
];

/** A criteria-met alert, episode 1, open; `overrides` change any field (the result is checked against the contract). */
export function syntheticAlert(overrides: Partial<Alert> = {}): Alert {
  return Alert.parse({
    id: '3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f',
    version: 3,
    episode: 1,
    notifiedTiers: ['criteria-met'],
    patientKey: PATIENT_KEY,
    rule: 'poems',
    tier: 'criteria-met',
    status: 'open',
    reason: 'CIDP with an IgA λ monoclonal protein, VEGF elevation and thrombocytosis',
    ruleVersion: '2.0',
    profileVersion: 'default-2',
    criteriaMet: ['polyneuropathy', 'monoclonalPlasmaCellDisorder', 'vegfElevation', 'thrombocytosisOrPolycythemia'],
    criteriaMissing: ['castleman', 'scleroticBone'],
    evidence: EVIDENCE,
    suggestedWorkup: [
      { id: 'bone-imaging', text: 'Low-dose whole-body CT for sclerotic bone lesions.' },
      { id: 'haematology-referral', text: 'Haematology referral if the criteria are approached.' },
    ],
    createdAt: '2025-02-05T08:01:00.000Z',
    updatedAt: '2025-02-05T08:01:00.000Z',
    history: [{ at: '2025-02-05T08:01:00.000Z', event: 'created', tier: 'criteria-met', status: 'open', reason: 'CIDP with an IgA λ monoclonal protein, VEGF elevation and thrombocytosis' }],
    ...overrides,
  });
}

export function notificationOf(alert: Alert, event: Notification['event'] = 'created'): Notification {
  return {
    key: notificationKey(alert.id, alert.episode, alert.tier),
    alertId: alert.id,
    episode: alert.episode,
    patientKey: alert.patientKey,
    tier: alert.tier,
    event,
    createdAt: alert.updatedAt,
  };
}

export const RECIPIENT: Recipient = { kind: 'pool', id: 'neuromuscular', display: 'Neuromuscular team' };

export function deliveryOf(alert: Alert, event: Notification['event'] = 'created'): Delivery {
  return { notification: notificationOf(alert, event), alert, recipient: RECIPIENT };
}
