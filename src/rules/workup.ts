import type { WorkupItem } from '../domain/assessment.js';
import type { Finding, FindingKind } from '../domain/finding.js';
import type { Measurement } from '../domain/result.js';
import type { Tier } from '../domain/tier.js';

/**
 * The suggested evaluation of domain/poems-reference.md §6, one item per numbered point, in the
 * reference's order. Ids are stable (the inbox and notifiers may key on them); texts are short on
 * purpose: the clinician opens the full guidance elsewhere.
 */
export const WORKUP_ITEMS = [
  {
    id: 'immunofixation',
    text: 'Serum and urine immunofixation, looking for a λ light chain (SPEP alone misses most POEMS M-proteins; normal free light chains do not exclude POEMS).',
  },
  {
    id: 'vegf',
    text: 'Plasma VEGF (EDTA, on ice, frozen; > 200 pg/mL is about 95% specific), or serum VEGF read against the laboratory reference.',
  },
  {
    id: 'cbc',
    text: 'Full blood count for thrombocytosis and raised haemoglobin/haematocrit (anaemia or thrombocytopenia argue against POEMS unless Castleman disease).',
  },
  {
    id: 'bone-imaging',
    text: 'Low-dose whole-body CT for sclerotic bone lesions, with CT chest/abdomen/pelvis for organomegaly, lymphadenopathy, effusions and ascites.',
  },
  {
    id: 'biopsy',
    text: 'Bone-marrow biopsy with IHC/flow for λ-restricted plasma cells; biopsy of a sclerotic lesion if the marrow is non-diagnostic; lymph-node biopsy if nodes are enlarged (Castleman disease).',
  },
  {
    id: 'nerve-conduction-review',
    text: 'Review nerve conduction studies: uniform demyelination, intermediate-segment slowing, short distal latencies, marked axonal loss and no conduction block favour POEMS over CIDP.',
  },
  {
    id: 'fundoscopy',
    text: 'Fundoscopy for papilloedema.',
  },
  {
    id: 'endocrine-panel',
    text: 'Endocrine panel: testosterone/estradiol, LH/FSH, prolactin, TSH and free T4, morning cortisol, PTH and calcium, glucose/HbA1c (diabetes or hypothyroidism alone do not count).',
  },
  {
    id: 'cardiopulmonary',
    text: 'Echocardiography and lung function tests if breathless (pulmonary hypertension, restrictive lung disease).',
  },
  {
    id: 'haematology-referral',
    text: 'Haematology referral if the criteria are approached.',
  },
] as const satisfies readonly WorkupItem[];

export type WorkupId = (typeof WORKUP_ITEMS)[number]['id'];

/**
 * The Castleman histology is already on record, so the lymph-node part of the biopsy item is
 * moot; the marrow and lesion biopsies are still needed to find the clone, so the item stays.
 */
const BIOPSY_WHEN_CASTLEMAN_KNOWN =
  'Bone-marrow biopsy with IHC/flow for λ-restricted plasma cells; biopsy of a sclerotic lesion if the marrow is non-diagnostic (Castleman disease already on record).';

/** Spec §3 gives criteria-met the meaning "urgent haematology review". */
const URGENT_REFERRAL = 'Urgent haematology referral: the record meets the Mayo criteria for POEMS syndrome.';

/** What the work-up needs to know is on record: current findings and watched lab values. */
export interface OnRecord {
  findings: readonly Finding[];
  measurements: readonly Measurement[];
}

/**
 * The work-up of reference §6 minus what is already on record (spec §3): a test is on record when
 * any result of it is, preliminary or final, normal or not. Blood counts and VEGF are on record
 * only inside the lookback (an old value says nothing of today); immunofixation is suggested
 * unless `ifeDone`, which never ages.
 */
export function suggestWorkup(record: OnRecord, tier: Tier | null): WorkupItem[] {
  if (tier === null) return [];
  const onRecord = new Set<FindingKind>([...record.findings.map((f) => f.kind), ...record.measurements.map((m) => m.kind)]);
  return WORKUP_ITEMS.filter((item) => !isDone(item.id, onRecord)).map((item) => ({
    id: item.id,
    text: textFor(item.id, item.text, onRecord, tier),
  }));
}

/** `onRecord` holds finding kinds and measurement kinds (a normal platelet count is `thrombocytosis`). */
function isDone(id: WorkupId, onRecord: ReadonlySet<FindingKind>): boolean {
  switch (id) {
    case 'immunofixation':
      return onRecord.has('ifeDone');
    case 'vegf':
      // a VEGF measurement, normal or raised, or a raised VEGF finding
      return onRecord.has('vegfHigh');
    case 'cbc':
      // platelets, Hb or Hct, normal or not: any of them is a blood count on record
      return onRecord.has('thrombocytosis') || onRecord.has('polycythemia');
    case 'bone-imaging':
      return onRecord.has('scleroticBone');
    case 'fundoscopy':
      // papilloedema on record means the fundi were examined
      return onRecord.has('papilledema');
    default:
      return false;
  }
}

function textFor(id: WorkupId, text: string, onRecord: ReadonlySet<FindingKind>, tier: Tier): string {
  if (id === 'biopsy' && onRecord.has('castleman')) return BIOPSY_WHEN_CASTLEMAN_KNOWN;
  if (id === 'haematology-referral' && tier === 'criteria-met') return URGENT_REFERRAL;
  return text;
}
