import type { SiteProfile } from './profile.schema.js';

/**
 * The spec's defaults (spec/poems-rule.md §1-§2; codes and thresholds from
 * domain/poems-reference.md §2, §4, §5). A site profile file overrides any part of this.
 */
export const DEFAULT_PROFILE: SiteProfile = {
  profileVersion: 'default-1',
  lookbackMonths: 36,
  diagnosisCodes: {
    // G61.0 (GBS), G61.82 (MMN), G62.0-G62.2, G62.81/.82 are deliberately absent (spec §1).
    neuropathy: ['G61.81', 'G61.8', 'G61.89', 'G61.9', 'G62.89', 'G62.9', 'G63'],
    cidp: ['G61.81'],
    clone: ['D47.2', 'C90*'],
    castleman: ['D47.Z2'],
    polycythemia: ['D45', 'D75.1'],
    organomegaly: ['R16.0', 'R16.1', 'R16.2', 'R59.0', 'R59.1', 'R59.9'],
    volumeOverload: ['R60.0', 'R60.1', 'R60.9', 'R18.8', 'J90'],
    // Diabetes (E08-E13) and hypothyroidism (E03.x) alone never count (Blood 2012, footnote c).
    endocrinopathy: ['E29.1', 'E23.0', 'E28.39', 'E27.1', 'E27.40', 'E27.49', 'E31.8', 'E31.9', 'E22.1'],
    skinChanges: ['L81.4', 'L81.8', 'L81.9', 'L68*', 'D18.01'],
    papilledema: ['H47.10', 'H47.11', 'H47.12', 'H47.13', 'H47.14*'],
    // ICD-10-CM has no POEMS code (reference §4.2); sites add theirs (e.g. Danish SKS ZM973A3).
    poemsKnown: [],
  },
  poemsKnownText: ['POEMS syndrome', 'POEMS', 'Crow-Fukase', 'Takatsuki syndrome', 'osteosclerotic myeloma'],
  labs: {
    platelets: { codes: ['777-3', '26515-7'], above: 450 },
    hemoglobin: { codes: ['718-7'], above: { male: 16.5, female: 16.0 } },
    hematocrit: { codes: ['4544-3', '20570-8'], above: { male: 49, female: 48 } },
    vegf: { codes: ['75628-8'], plasmaAbove: 200, serumAbove: 1000 },
    mSpike: { codes: ['33358-3'] },
    serumIfe: { codes: ['25700-6'] },
    urineIfe: { codes: ['13440-3'] },
  },
  localCodes: [],
  textValueTypes: ['TX', 'FT', 'ST'],
  textRules: [
    {
      kind: 'neuropathy',
      phrases: ['chronic inflammatory demyelinating polyneuropathy', 'chronic inflammatory demyelinating polyradiculoneuropathy', 'CIDP'],
      qualifiers: { cidp: true },
      mimics: [],
    },
    {
      kind: 'neuropathy',
      phrases: ['demyelinating polyneuropathy', 'demyelinating sensorimotor polyneuropathy', 'demyelinating polyradiculoneuropathy'],
      qualifiers: {},
      mimics: [],
    },
    {
      kind: 'clone',
      phrases: ['lambda-restricted', 'lambda restricted', 'lambda light chain restriction', 'monotypic lambda', 'monoclonal lambda', 'IgA lambda', 'IgG lambda', 'clonal plasma cells with lambda'],
      qualifiers: { lightChain: 'lambda' },
      mimics: [],
    },
    {
      kind: 'clone',
      phrases: ['kappa-restricted', 'kappa restricted', 'kappa light chain restriction', 'monotypic kappa', 'monoclonal kappa', 'IgM kappa', 'IgG kappa', 'IgA kappa'],
      qualifiers: { lightChain: 'kappa' },
      mimics: [],
    },
    {
      kind: 'clone',
      phrases: ['clonal plasma cells', 'plasma cell neoplasm', 'monoclonal plasma cells'],
      qualifiers: { lightChain: 'unknown' },
      mimics: [],
    },
    {
      kind: 'scleroticBone',
      phrases: ['sclerotic lesion', 'sclerotic lesions', 'osteosclerotic', 'osteoblastic', 'mixed lytic-sclerotic', 'lytic-sclerotic', 'mixed lytic and sclerotic', 'sclerotic bone lesion', 'sclerotic bone lesions', 'sclerotic focus', 'sclerotic foci'],
      qualifiers: {},
      mimics: ['bone island', 'enostosis', 'degenerative sclerosis', 'subchondral sclerosis', 'sclerosis at the SI joints'],
    },
    {
      kind: 'castleman',
      phrases: ['Castleman disease', "Castleman's disease", 'Castleman-like', 'angiofollicular lymph node hyperplasia', 'hyaline vascular variant', 'plasma cell variant', 'multicentric Castleman'],
      qualifiers: {},
      mimics: [],
    },
    { kind: 'organomegaly', phrases: ['hepatomegaly', 'splenomegaly', 'hepatosplenomegaly', 'lymphadenopathy'], qualifiers: {}, mimics: [] },
    { kind: 'volumeOverload', phrases: ['ascites', 'pleural effusion', 'pleural effusions', 'anasarca'], qualifiers: {}, mimics: [] },
    { kind: 'skinChanges', phrases: ['glomeruloid hemangioma', 'glomeruloid haemangioma', 'hyperpigmentation', 'hypertrichosis', 'acrocyanosis'], qualifiers: {}, mimics: [] },
    { kind: 'papilledema', phrases: ['papilledema', 'papilloedema', 'optic disc swelling', 'optic disc oedema', 'optic disc edema'], qualifiers: {}, mimics: [] },
  ],
  negation: {
    // NegEx (Chapman 2001) triggers from chapmanbe/negex, plus the domain additions of reference §5.2.
    pre: [
      'no', 'not', 'without', 'absence of', 'negative for', 'free of', 'no evidence', 'no evidence of',
      'no evidence to suggest', 'no findings of', 'no radiographic evidence of', 'no sign of', 'no signs of',
      'no suggestion of', 'no suspicious', 'not demonstrate', 'not reveal', 'not see', 'unremarkable for',
      'with no', 'without evidence', 'rules out', 'ruled out', 'denies', 'denied', 'declined', 'resolved',
      'rather than', 'no monotypic', 'no clonal', 'no monoclonal', 'rule out', 'r/o', 'negative',
    ],
    post: ['unlikely', 'free', 'ruled out', 'was ruled out', 'is ruled out', 'were ruled out', 'not seen', 'not identified', 'absent', 'excluded', 'not ruled out', 'should be ruled out'],
    pseudo: ['no increase', 'no significant change', 'no interval change', 'not certain if', 'not certain whether', 'not only', 'gram negative', 'without difficulty'],
    terminators: ['but', 'however', 'although', 'aside from', 'apart from', 'except', 'secondary to', 'cause of', 'etiology of', 'which', 'yet'],
    context: ['history of', 'family history of', 'family history', 's/p resection', 'mother', 'father', 'sister', 'brother'],
    scope: 6,
  },
};
