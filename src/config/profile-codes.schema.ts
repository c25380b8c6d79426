import { z } from 'zod';

/** A lab (LOINC or local) code: "777-3", "75628-8". */
export const LabCode = z.string().regex(/^[A-Za-z0-9.-]+\*?$/, 'a code such as "777-3" or "75628-8"');

/**
 * A diagnosis code as published: exact with the dot optional ("G61.81" = "G6181"); ".x", "x" or
 * "*" at the end covers every code beneath ("C90.x", "203.0x", "C90*"); "A-B" is a range that
 * covers every code from A to B and every code beneath B ("G62.0-G62.2", "H47.10-H47.149").
 */
export const DiagnosisCode = z.string().regex(
  /^[A-Za-z0-9.]+(?:[xX*]|-[A-Za-z0-9.]+)?$/,
  'a code such as "G61.81", a family "C90.x" or a range "G62.0-G62.2"',
);

/** Codes of one meaning per coding system (spec §1 "Coding systems are matched leniently"). */
export const SystemCodes = z.object({
  icd10: z.array(DiagnosisCode).default([]),
  icd9: z.array(DiagnosisCode).default([]),
  snomed: z.array(DiagnosisCode).default([]),
  /** any other coding system, by its spelling in CWE-3/CWE-6 (case-insensitive), e.g. { SKS: [ZM973A3] } */
  other: z.record(z.string().min(1), z.array(DiagnosisCode)).default({}),
}).strict();
export type SystemCodes = z.infer<typeof SystemCodes>;

/** A kind's codes; `exclude` overrides families and ranges (an exact listed code beats it). */
export const KindCodes = SystemCodes.extend({ exclude: SystemCodes.default({ icd10: [], icd9: [], snomed: [], other: {} }) }).strict();
export type KindCodes = z.infer<typeof KindCodes>;

/** Coded diagnoses (DG1-3, PRB-3) per finding kind (spec §1 table). */
export const DiagnosisCodes = z.object({
  neuropathy: KindCodes,
  /** the neuropathy codes that also set `cidp` */
  cidp: SystemCodes,
  clone: KindCodes,
  castleman: KindCodes,
  thrombocytosis: KindCodes,
  polycythemia: KindCodes,
  organomegaly: KindCodes,
  volumeOverload: KindCodes,
  endocrinopathy: KindCodes,
  skinChanges: KindCodes,
  papilledema: KindCodes,
  /** site codes for POEMS syndrome (ICD-10-CM has none); only a final, affirmed diagnosis counts */
  poemsKnown: KindCodes,
}).strict();
export type DiagnosisCodes = z.infer<typeof DiagnosisCodes>;
