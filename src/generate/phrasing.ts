/**
 * Report wording pools (spec §1.2), each written in several styles, as different pathologists,
 * radiologists and laboratories write them. Every phrasing in a pool means the same thing under
 * spec v2 (the pool's name says what). The 'held-out' variant draws from phrasings the default
 * pool never uses, so a feed can test the rule on wording it was not tuned on.
 *
 * A report is a list of lines (one TX OBX each: wrapped mid-sentence where a radiology system
 * wraps) or a string (one FT OBX with \.br\ breaks, as written).
 */
import { pick, type Rng } from './rng.js';

export type Variant = 'default' | 'held-out';
export type Report = readonly string[] | string;
type Pool<T> = Record<Variant, readonly T[]>;

export function phrase<T>(rng: Rng, pool: Pool<T>, variant: Variant): T {
  return pick(rng, pool[variant]);
}

/** Immunofixation naming a lambda clone (definite). */
export const IFE_LAMBDA: Pool<string> = {
  default: [
    'IgA lambda monoclonal protein detected.',
    'IgG lambda monoclonal protein detected.',
    'IgA lambda monoclonal band on a polyclonal background.',
    'Abnormal: IgA-lambda',
    'Small monoclonal IgG lambda, normal kappa/lambda ratio.',
  ],
  'held-out': [
    'Monoclonal IgA-λ paraprotein identified.',
    'IgG/lambda',
    'Faint IgA lambda band in the gamma region.',
    'M-spike not detected on SPEP but IgG lambda detected on IFE.',
    'Immunofixation: IgA lambda paraprotein, too small to quantify.',
  ],
};

/** Immunofixation naming an IgM kappa clone (the MGUS neuropathy pattern). */
export const IFE_IGM_KAPPA: Pool<string> = {
  default: ['IgM kappa monoclonal protein detected.', 'Faint IgM kappa band.'],
  'held-out': ['Monoclonal IgM-κ band identified.', 'IgM/kappa paraprotein, small.'],
};

/** Immunofixation without a monoclonal protein (sets ifeDone only). */
export const IFE_NEGATIVE: Pool<string> = {
  default: ['No monoclonal protein detected.', 'Negative for monoclonal protein.', 'IFE negative.'],
  'held-out': ['No monoclonal band identified; polyclonal pattern.', 'Polyclonal hypergammaglobulinaemia, no paraprotein.'],
};

/** Bone-marrow pathology with lambda-restricted plasma cells (definite). */
export const MARROW_LAMBDA: Pool<Report> = {
  default: [
    ['Bone marrow, left posterior iliac crest, biopsy:', 'Normocellular marrow with trilineage hematopoiesis and megakaryocytic hyperplasia.', 'Lambda-restricted plasma cells, 6% of cellularity.'],
    ['Bone marrow trephine:', 'Plasma cells (6%) show lambda', 'light chain restriction.'],
  ],
  'held-out': [
    ['Marrow aspirate and trephine, right iliac crest:', 'CD138-positive plasma cells about 5%, monotypic lambda by ISH.'],
    ['Flow cytometry and histology:', 'Clonal plasma cells (4%) with cytoplasmic lambda.'],
  ],
};

/** Skeletal imaging with definite sclerotic lesions. */
export const BONE_SCLEROTIC: Pool<Report> = {
  default: [
    ['CT skeletal survey (low-dose whole body).', 'Findings: multiple sclerotic lesions in the pelvis, the largest 9 mm in the left iliac wing.', 'Impression: sclerotic bone lesions; correlation with paraprotein studies suggested.'],
    String.raw`CT SKELETAL SURVEY\.br\Findings: multiple sclerotic lesions in the pelvis \T\ L2 vertebral body.\.br\Impression: osteosclerotic lesions.`,
    ['CT skeletal survey (low-dose whole body).', 'Findings: multiple sclerotic', 'lesions in the pelvis and L2, the largest 9 mm.', 'Impression: osteosclerotic lesions.'],
  ],
  'held-out': [
    ['LOW-DOSE WHOLE-BODY CT', 'Several small osteoblastic foci in both iliac bones', 'and the sacrum.', 'IMPRESSION: Osteoblastic lesions.'],
    String.raw`PET-CT\.br\Multiple sclerotic foci in the pelvis without FDG avidity.\.br\IMPRESSION:\.br\Non-avid sclerotic lesions.`,
    ['Follow-up CT.', 'Stable sclerotic lesion in the right ilium; no interval change in the', 'mixed lytic-sclerotic lesion at T10.'],
  ],
};

/** Skeletal imaging that names sclerosis only to negate it, attribute it to a mimic, or ask for it. */
export const BONE_NEGATED: Pool<Report> = {
  default: [
    ['CT skeletal survey:', 'No sclerotic lesions.', 'Small bone island in the left femur.'],
    ['CT skeletal survey: no lytic or', 'sclerotic lesions are seen.'],
    String.raw`Lytic lesions: none\.br\Sclerotic lesions: none.\.br\Fractures: none`,
  ],
  'held-out': [
    ['Whole-body CT.', '4 mm sclerotic focus in the left femoral neck. Likely a bone island.'],
    ['INDICATION: CIDP, assess for sclerotic lesions.', 'FINDINGS: No focal bone lesion.'],
    String.raw`Sclerotic lesions: not seen\.br\Lytic lesions: not seen`,
    ['Degenerative sclerosis of the lower lumbar facet joints.', 'No other bone lesion.'],
  ],
};

/** Skeletal imaging with a possible lesion only (hedge, metastasis-like, rimmed). */
export const BONE_POSSIBLE: Pool<Report> = {
  default: [
    ['Skeletal survey:', 'Possible sclerotic focus in the left iliac bone.'],
    ['CT pelvis:', 'Lytic lesion with a sclerotic rim in the right iliac wing.'],
  ],
  'held-out': [['Query small sclerotic lesion at L3; MRI suggested.'], ['CT thoracolumbar spine:', 'Diffuse blastic metastases.']],
};

/** Lymph-node pathology with definite Castleman disease. */
export const NODE_CASTLEMAN: Pool<Report> = {
  default: [['Lymph node, right inguinal, excision:', 'Hyaline vascular variant Castleman disease.']],
  'held-out': [['Lymph node excision:', 'Plasma cell variant Castleman disease.']],
};

/** Lymph-node pathology with a possible Castleman disease only. */
export const NODE_POSSIBLE: Pool<Report> = {
  default: [['Lymph node excision:', 'Reactive node with Castleman-like features.']],
  'held-out': [['Lymph node core biopsy:', 'Castleman disease cannot be excluded.']],
};

/** Lymph-node pathology without Castleman disease. */
export const NODE_NEGATED: Pool<Report> = {
  default: [['Lymph node, left cervical, excision:', 'Reactive follicular hyperplasia.', 'No evidence of Castleman disease.']],
  'held-out': [['Lymph node, right cervical, excision:', 'Reactive follicular hyperplasia; no features of Castleman disease.']],
};

/** Abdominal imaging that is negative for organomegaly and effusions. */
export const ABDOMEN_NEGATED: Pool<Report> = {
  default: [
    ['Abdominal ultrasound: liver and spleen normal in size.', 'No ascites or pleural effusion.'],
    ['FINDINGS: No hepatomegaly, splenomegaly,', 'ascites or pleural effusion.'],
  ],
  'held-out': [String.raw`Ascites: none\.br\Spleen: normal size\.br\Pleural effusion: absent`, ['Previously noted ascites has resolved.', 'Liver and spleen normal.']],
};

/** Abdominal imaging with splenomegaly (definite). */
export const ABDOMEN_SPLENOMEGALY: Pool<Report> = {
  default: [['Abdominal ultrasound: splenomegaly, spleen 15.5 cm in length.']],
  'held-out': [['Ultrasound abdomen:', 'No ascites but moderate splenomegaly (15.8 cm).']],
};

/** Neurophysiology reports concluding CIDP (all set `cidp`, definite neuropathy). */
export const NCS_CIDP: Pool<Report> = {
  default: [
    ['Nerve conduction studies: diffuse slowing of motor conduction velocities with prolonged distal motor latencies and prolonged F-wave latencies.', 'Impression: findings consistent with chronic inflammatory demyelinating polyneuropathy.'],
    ['Nerve conduction studies: symmetric slowing of conduction velocities, worse distally.', 'Impression: length-dependent demyelinating sensorimotor polyneuropathy.'],
  ],
  'held-out': [
    ['Nerve conduction studies: uniform slowing with prolonged distal latencies.', 'Conclusion: probable CIDP (EAN/PNS 2021).'],
    ['EMG/NCS: chronic inflammatory demyelinating', 'polyradiculoneuropathy.'],
  ],
};

/** A neurophysiology sentence that merely mentions POEMS (never suppresses). */
export const NCS_POEMS_QUESTION = 'Features raise the question of POEMS syndrome; paraprotein studies suggested.';
