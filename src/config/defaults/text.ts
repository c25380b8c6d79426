import type { SiteProfile } from '../profile.schema.js';

/** OBX-2 value types read as report text. */
export const DEFAULT_TEXT_VALUE_TYPES: SiteProfile['textValueTypes'] = ['TX', 'FT', 'ST'];

/** Report-text phrases per finding kind (spec §1.2; reference §5.1). */
export const DEFAULT_TEXT_RULES: SiteProfile['textRules'] = [
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
];

/** NegEx / ConText triggers (spec §1.2; reference §5.2). */
export const DEFAULT_NEGATION: SiteProfile['negation'] = {
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
};
