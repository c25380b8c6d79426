/** The fixed clinical vocabulary of the feed: diagnosis and lab codes, wards, names (report wording: phrasing.ts). */

export type Dx = readonly [code: string, text: string];

// ICD-10-CM codes (reference §4.2)
export const DX = {
  cidp: ['G61.81', 'Chronic inflammatory demyelinating polyneuritis'],
  polyneuropathy: ['G62.9', 'Polyneuropathy, unspecified'],
  diseaseNeuropathy: ['G63', 'Polyneuropathy in diseases classified elsewhere'],
  mgus: ['D47.2', 'Monoclonal gammopathy'],
  poems: ['D47.2', 'POEMS syndrome'],
  splenomegaly: ['R16.1', 'Splenomegaly'],
  hepatosplenomegaly: ['R16.2', 'Hepatomegaly with splenomegaly, not elsewhere classified'],
  ascites: ['R18.8', 'Other ascites'],
  papilledema: ['H47.11', 'Papilledema associated with increased intracranial pressure'],
  diabeticNeuropathy: ['E11.42', 'Type 2 diabetes mellitus with diabetic polyneuropathy'],
  testicular: ['E29.1', 'Testicular hypofunction'],
  ovarian: ['E28.39', 'Other primary ovarian failure'],
  pigmentation: ['L81.8', 'Other specified disorders of pigmentation'],
  edema: ['R60.0', 'Localized edema'],
  diabetes: ['E11.9', 'Type 2 diabetes mellitus without complications'],
  hypothyroid: ['E03.9', 'Hypothyroidism, unspecified'],
} as const satisfies Record<string, Dx>;

// LOINC (reference §4.1) and report codes
/**
 * CIDP as other coding systems send it (spec §1 "coding systems"): every one of these sets `cidp`.
 * [DG1-3.1, DG1-3.2, DG1-3.3]
 */
export const CIDP_CODINGS: readonly (readonly [string, string, string])[] = [
  ['G61.8', 'Other inflammatory polyneuropathies', 'I10WHO'],
  ['G61.8 G', 'Sonstige Polyneuritiden', 'ICD10GM'],
  ['357.81', 'Chronic inflammatory demyelinating polyneuritis', 'I9C'],
  ['128209004', 'Chronic inflammatory demyelinating polyradiculoneuropathy', 'SCT'],
  ['G61.81', 'Chronic inflammatory demyelinating polyneuritis', 'ICD-10-CM'],
];
export const CIDP_CODINGS_HELD_OUT: readonly (readonly [string, string, string])[] = [
  ['G61.8V', 'Sonstige Polyneuritiden', 'ICD-10-GM'],
  ['G61.8', 'Other inflammatory polyneuropathies', 'ICD10CA'],
  ['128209004', 'CIDP', 'SNOMED-CT'],
  ['G6181', 'CIDP', '2.16.840.1.113883.6.90'],
];

export const LN = {
  cbcPanel: '58410-2^CBC panel - Blood by Automated count^LN',
  bmpPanel: '51990-0^Basic metabolic panel - Blood^LN',
  wbc: '6690-2^Leukocytes [#/volume] in Blood by Automated count^LN',
  hb: '718-7^Hemoglobin [Mass/volume] in Blood^LN',
  hct: '4544-3^Hematocrit [Volume Fraction] of Blood by Automated count^LN',
  plt: '777-3^Platelets [#/volume] in Blood by Automated count^LN',
  pltLocal: 'PLT^Platelet count^L^777-3^Platelets^LN',
  vegf: '75628-8^Vascular endothelial growth factor A [Mass/volume] in Serum or Plasma^LN',
  spepPanel: '24351-9^Protein electrophoresis panel - Serum or Plasma^LN',
  mSpike: '33358-3^Protein.monoclonal [Mass/volume] in Serum or Plasma by Electrophoresis^LN',
  serumIfe: '25700-6^Immunofixation [interpretation] for Serum or Plasma^LN',
  serumIfeLoinc: '25700-6^Immunofixation [interpretation] for Serum or Plasma^LOINC',
  urineIfe: '13440-3^Immunofixation [interpretation] for Urine^LN',
  flcRatio: '48378-4^Kappa lc.free/Lambda lc.free [Mass Ratio] in Serum^LN',
  flcPanel: 'FLC^Serum free light chains^L',
  rbc: '789-8^Erythrocytes [#/volume] in Blood by Automated count^LN',
  mcv: '787-2^MCV [Entitic volume] by Automated count^LN',
  plt2: '26515-7^Platelets [#/volume] in Blood^LN',
  imaging: '18748-4^Diagnostic imaging study^LN',
  pathology: '22637-3^Pathology report final diagnosis^LN',
  ncs: 'NCSRPT^Neurophysiology report^L',
} as const;

/** BMP analytes: [code, unit, range, low, high, decimals] */
export type BmpAnalyte = readonly [code: string, unit: string, range: string, low: number, high: number, decimals: number];
export const BMP_ANALYTES: readonly BmpAnalyte[] = [
  ['2951-2^Sodium [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '135-145', 136, 144, 0],
  ['2823-3^Potassium [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '3.5-5.1', 3.6, 5.0, 1],
  ['2160-0^Creatinine [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '0.6-1.2', 0.6, 1.2, 2],
  ['2345-7^Glucose [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '70-99', 72, 99, 0],
  ['2075-0^Chloride [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '98-107', 99, 106, 0],
  ['2028-9^Carbon dioxide, total [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '22-29', 23, 28, 0],
  ['3094-0^Urea nitrogen [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '7-20', 8, 19, 0],
  ['17861-6^Calcium [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '8.5-10.5', 8.7, 10.2, 1],
];

export const NATO = [
  'ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT', 'GOLF', 'HOTEL', 'INDIA', 'JULIETT',
  'KILO', 'LIMA', 'MIKE', 'NOVEMBER', 'OSCAR', 'PAPA', 'QUEBEC', 'ROMEO', 'SIERRA', 'TANGO',
  'UNIFORM', 'VICTOR', 'WHISKEY', 'XRAY', 'YANKEE', 'ZULU',
] as const;

export const WARDS = ['NEURO^101', 'MED2^214', 'MED3^305', 'SURG1^118', 'ONC^402', 'CARD^220'] as const;
