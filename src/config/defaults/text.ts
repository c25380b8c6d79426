import type { TextProfile } from '../profile-text.schema.js';

/*
 * Report-text defaults (spec §1.2; reference §5). Phrases are matched as whole words after
 * folding: case, dashes and slashes ("lambda-restricted" = "lambda restricted", "IgG/lambda"),
 * λ/κ, possessives ("Castleman's"), plurals ("lesions"), British "ae"/"oe" ("haemangioma",
 * "papilloedema") and articles inside a phrase ("lytic lesion with a sclerotic rim"). So each
 * phrase is written once, in its plainest form.
 */

const RULES: TextProfile['rules'] = [
  {
    kind: 'neuropathy',
    // Every text source of spec §1 sets cidp; a hedge on them keeps the neuropathy definite.
    phrases: [
      'CIDP', 'chronic inflammatory demyelinating polyneuropathy', 'chronic inflammatory demyelinating polyradiculoneuropathy',
      'chronic inflammatory demyelinating polyradiculoneuritis', 'chronic inflammatory demyelinating neuropathy',
      'demyelinating polyneuropathy', 'demyelinating sensorimotor polyneuropathy', 'demyelinating polyradiculoneuropathy',
    ],
    qualifiers: { cidp: true },
    certainty: 'definite',
    // Guillain-Barré (AIDP) contains "demyelinating polyneuropathy" and is excluded (spec §1 G61.0).
    mimics: ['acute inflammatory demyelinating polyneuropathy', 'acute inflammatory demyelinating polyradiculoneuropathy', 'AIDP', 'Guillain-Barre', 'Guillain-Barré'],
  },
  {
    kind: 'scleroticBone',
    phrases: [
      'sclerotic lesion', 'sclerotic focus', 'sclerotic foci', 'sclerotic bone lesion', 'sclerotic bony lesion',
      'sclerotic osseous lesion', 'osteosclerotic', 'osteoblastic', 'blastic lesion', 'blastic bone lesion',
      'mixed lytic sclerotic', 'lytic sclerotic', 'mixed lytic and sclerotic', 'mixed sclerotic and lytic',
      'lytic and sclerotic lesion', 'sclerotic and lytic lesion',
    ],
    qualifiers: {},
    certainty: 'definite',
    mimics: boneMimics(),
  },
  {
    kind: 'scleroticBone',
    // POEMS lesions are often first called metastases; a sclerotic rim also describes benign lesions.
    phrases: [
      'sclerotic metastasis', 'sclerotic metastases', 'sclerotic metastatic disease', 'sclerotic bone metastases',
      'blastic metastasis', 'blastic metastases', 'blastic metastatic disease', 'osteoblastic metastasis',
      'osteoblastic metastases', 'osteoblastic metastatic disease', 'osteosclerotic metastases',
      'lytic lesion with sclerotic rim', 'lytic lesion with sclerotic margin', 'lytic lesion with sclerotic border',
      'lytic lesion with sclerotic rims', 'lytic lesion with sclerotic margins', 'lytic lesion with sclerotic borders',
    ],
    qualifiers: {},
    certainty: 'possible',
    mimics: boneMimics(),
  },
  {
    kind: 'castleman',
    phrases: [
      'Castleman disease', 'Castleman', 'multicentric Castleman', 'unicentric Castleman', 'angiofollicular lymph node hyperplasia',
      'angiofollicular hyperplasia', 'hyaline vascular variant', 'hyaline vascular type', 'plasma cell variant', 'plasma cell type Castleman',
      'mixed variant', 'mixed cellularity variant Castleman',
    ],
    qualifiers: {},
    certainty: 'definite',
    mimics: [],
  },
  {
    kind: 'castleman',
    phrases: ['Castleman-like', 'Castleman disease-like', 'Castleman-like features', 'Castleman-like changes', 'Castleman-type changes'],
    qualifiers: {},
    certainty: 'possible',
    mimics: [],
  },
  { kind: 'organomegaly', phrases: ['hepatomegaly', 'splenomegaly', 'hepatosplenomegaly', 'lymphadenopathy', 'lymphadenopathies'], qualifiers: {}, certainty: 'definite', mimics: [] },
  { kind: 'volumeOverload', phrases: ['ascites', 'pleural effusion', 'pericardial effusion', 'anasarca'], qualifiers: {}, certainty: 'definite', mimics: [] },
  {
    kind: 'skinChanges',
    phrases: ['glomeruloid hemangioma', 'glomeruloid hemangiomata', 'hyperpigmentation', 'hypertrichosis', 'acrocyanosis', 'white nails', 'leukonychia'],
    qualifiers: {},
    certainty: 'definite',
    mimics: [],
  },
  {
    kind: 'papilledema',
    phrases: ['papilledema', 'optic disc swelling', 'optic disc edema', 'swollen optic disc', 'optic disk swelling', 'optic disk edema', 'swollen optic disk'],
    qualifiers: {},
    certainty: 'definite',
    mimics: [],
  },
];

/** Bone lesions that look sclerotic and are not POEMS (spec §1.2 "Bone"); a function so each rule owns its array. */
function boneMimics(): string[] {
  return [
    'bone island', 'enostosis', 'enostoses', 'degenerative sclerosis', 'degenerative', 'degenerative change',
    'sclerosis at the SI joints', 'sclerosis at the sacroiliac joints', 'SI joint sclerosis', 'subchondral sclerosis',
    'Paget', 'Paget disease', 'pagetic', 'fibrous dysplasia', 'vertebral hemangioma', 'hemangioma', 'osteopoikilosis',
    'osteoma', 'healing fracture', 'healed fracture', 'fracture callus',
  ];
}

/*
 * The ConText rule table. Learned from NegEx (chapmanbe/negex, reference §5.2) and medspaCy
 * `resources/en/context_rules.json` (MIT); where spec §1.2 classifies a trigger differently the
 * spec wins: "rule out" is hypothetical, "ruled out" a post-negation, "cannot rule out" a hedge.
 * The longest trigger wins, so "not ruled out" is a hedge and "no change in" is no negation.
 */
const CONTEXT: TextProfile['context'] = [
  {
    category: 'negated',
    direction: 'forward',
    phrases: [
      'no', 'not', 'without', 'absence of', 'absent', 'negative for', 'neg for', 'free of', 'no evidence', 'no evidence of',
      'no evidence for', 'no evidence to suggest', 'no findings of', 'no findings to suggest', 'no radiographic evidence of',
      'no sign of', 'no signs of', 'no suggestion of', 'no suspicious', 'no significant', 'no definite', 'no convincing',
      'no new', 'no abnormal', 'no other', 'no further', 'not demonstrate', 'does not demonstrate', 'did not demonstrate',
      'not reveal', 'did not reveal', 'does not show', 'did not show', 'not see', 'fails to reveal', 'failed to reveal',
      'unremarkable for', 'with no', 'without evidence of', 'without any evidence of', 'denies', 'denied',
      'declined', 'rather than', 'lack of', 'lacks', 'never had', 'inconsistent with', 'not consistent with',
      'not associated with', 'not suggestive of', 'clear of', 'none', 'nor', 'resolution of', 'interval resolution of',
    ],
  },
  {
    category: 'negated',
    direction: 'backward',
    phrases: [
      'unlikely', 'very unlikely', 'ruled out', 'was ruled out', 'is ruled out', 'are ruled out', 'were ruled out',
      'has been ruled out', 'have been ruled out', 'excluded', 'is excluded', 'was excluded', 'has been excluded',
      'not seen', 'not identified', 'not detected', 'not present', 'not demonstrated', 'not evident', 'not appreciated',
      'not visualized', 'not visualised', 'not noted', 'not found', 'none seen', 'none identified', 'none detected',
      'absent', 'negative', 'is negative', 'was negative', 'were negative', 'has been negative', 'no longer seen',
      'no longer present', 'no longer visible', 'no longer evident', 'has resolved', 'have resolved', 'resolved',
      'now resolved', 'has disappeared', 'have disappeared',
    ],
  },
  {
    category: 'possible',
    direction: 'forward',
    phrases: [
      'possible', 'possibly', 'probable', 'probably', 'likely', 'most likely', 'suspicious for', 'suspicion of',
      'suspicion for', 'suspect', 'suspected', 'concerning for', 'concern for', 'worrisome for', 'suggestive of',
      'suggests', 'suggesting', 'may represent', 'may be', 'might be', 'could represent', 'could be', 'questionable',
      'equivocal', 'indeterminate', 'cannot rule out', 'can not rule out', 'cannot exclude', 'can not exclude',
      'could not exclude', 'could not rule out', 'differential includes', 'differential diagnosis includes',
      'differential diagnosis of', 'ddx', 'query', 'presumed', 'presumably', 'favour', 'favor', 'in keeping with a possible',
      'question of', 'raise the question of', 'raises the question of', 'raising the question of',
    ],
  },
  {
    category: 'possible',
    direction: 'backward',
    phrases: [
      'cannot be excluded', 'can not be excluded', 'could not be excluded', 'cannot be ruled out', 'can not be ruled out',
      'could not be ruled out', 'not ruled out', 'not been ruled out', 'not excluded', 'not entirely excluded',
      'not been excluded', 'is not excluded', 'is possible', 'are possible', 'remains possible', 'is suspected',
      'are suspected', 'suspected', 'is questioned', 'under evaluation', 'being evaluated', 'under investigation',
      'not certain', 'uncertain', 'unconfirmed', 'to be confirmed', 'is considered',
    ],
  },
  { category: 'possible', direction: 'both', phrases: ['versus', 'vs', 'or possibly'] },
  {
    category: 'hypothetical',
    direction: 'forward',
    phrases: [
      'rule out', 'r/o', 'to rule out', 'to exclude', 'exclude', 'evaluate for', 'evaluation for', 'evaluation of possible',
      'to evaluate for', 'assess for', 'to assess for', 'assessment for', 'screen for', 'screening for', 'to screen for',
      'look for', 'looking for', 'search for', 'investigate for', 'work up for', 'workup for', 'if', 'should there be',
      'in case of', 'risk of', 'risks of',
    ],
  },
  {
    category: 'hypothetical',
    direction: 'backward',
    phrases: ['should be ruled out', 'should be excluded', 'needs to be excluded', 'needs to be ruled out', 'to be excluded', 'to be ruled out', 'must be excluded'],
  },
  {
    category: 'historical',
    direction: 'forward',
    phrases: ['history of', 'h/o', 'hx of', 'past history of', 'past medical history of', 'previous history of', 'prior history of', 'known history of', 's/p', 'status post'],
  },
  {
    category: 'family',
    direction: 'forward',
    phrases: [
      'family history of', 'family history', 'family hx', 'fhx', 'fh of', 'mother', 'father', 'sister', 'brother', 'sibling',
      'parent', 'son', 'daughter', 'aunt', 'uncle', 'cousin', 'grandmother', 'grandfather', 'grandparent', 'maternal',
      'paternal',
    ],
  },
  {
    category: 'pseudo',
    direction: 'forward',
    phrases: [
      'no change', 'no change in', 'no significant change', 'no significant change in', 'no interval change', 'no interval change in',
      'no significant interval change', 'no appreciable change', 'no increase', 'no increase in', 'no decrease in',
      'not only', 'not certain if', 'not certain whether', 'gram negative', 'without difficulty', 'unresolved',
      'not resolved', 'not fully resolved', 'partially resolved', 'partly resolved', 'incompletely resolved',
      'has not resolved', 'have not resolved', 'not completely resolved', 'resolving', 'nearly resolved',
      'not excluded from', 'no other cause',
    ],
  },
  {
    category: 'terminate',
    direction: 'both',
    phrases: [
      'but', 'however', 'although', 'though', 'except', 'apart from', 'aside from', 'secondary to', 'cause of', 'causes of',
      'etiology of', 'aetiology of', 'source of', 'origin of', 'nevertheless', 'yet', 'whereas', 'which', 'other than',
      // An affirmation ends a scope too: "Hepatomegaly is present and ascites is absent" negates
      // only the ascites (medspaCy likewise terminates on "present").
      'is present', 'are present', 'present', 'is noted', 'are noted', 'noted', 'is seen', 'are seen', 'is identified',
      'are identified', 'is demonstrated', 'are demonstrated', 'is again seen', 'are again seen', 'again noted',
    ],
  },
];

/** Report sections (learned from medspaCy `section_patterns.json`); a header ends the sentence before it. */
const SECTIONS: TextProfile['sections'] = [
  {
    category: 'indication',
    headers: [
      'indication', 'indications', 'clinical indication', 'reason for exam', 'reason for examination', 'reason for study',
      'reason for referral', 'reason for request', 'referral reason', 'clinical history', 'history', 'clinical information',
      'clinical info', 'clinical details', 'clinical notes', 'clinical question', 'clinical data', 'clinical', 'request',
      'question', 'hx', 'presenting complaint',
    ],
  },
  { category: 'family', headers: ['family history', 'fhx', 'fh'] },
  { category: 'history', headers: ['past medical history', 'pmh', 'pmhx', 'past history', 'medical history', 'previous history'] },
  {
    category: 'report',
    headers: [
      'findings', 'finding', 'impression', 'impressions', 'conclusion', 'conclusions', 'summary', 'diagnosis', 'diagnoses',
      'final diagnosis', 'interpretation', 'comment', 'comments', 'result', 'results', 'technique', 'comparison',
      'procedure', 'microscopic description', 'microscopy', 'microscopic', 'gross description', 'macroscopic description',
      'macroscopy', 'addendum', 'opinion', 'report', 'assessment', 'recommendation', 'recommendations', 'specimen',
      'immunohistochemistry', 'flow cytometry', 'bone marrow aspirate', 'trephine', 'examination', 'exam', 'study',
      'nerve conduction studies', 'emg',
    ],
  },
];

const CLONE: TextProfile['clone'] = {
  heavyChains: { IgA: ['IgA', 'Ig A'], IgG: ['IgG', 'Ig G'], IgM: ['IgM', 'Ig M'] },
  lightChains: { lambda: ['lambda', 'λ'], kappa: ['kappa', 'κ'] },
  lightChainLetters: { lambda: ['L'], kappa: ['K'] },
  bands: [
    'monoclonal', 'monoclonal protein', 'monoclonal band', 'monoclonal spike', 'monoclonal component', 'monoclonal immunoglobulin',
    'monoclonal gammopathy', 'monoclonal paraprotein', 'monoclonal light chain', 'biclonal', 'biclonal gammopathy', 'M-spike',
    'M-protein', 'M-component', 'M-band', 'M-peak', 'paraprotein', 'paraproteinemia', 'paraproteinaemia', 'Bence Jones protein',
    'Bence Jones proteinuria', 'Bence-Jones', 'MGUS', 'plasma cell neoplasm', 'plasma cell dyscrasia', 'abnormal band',
  ],
  weakBands: ['band', 'spike', 'restricted band', 'discrete band', 'faint band', 'small band', 'peak'],
  restriction: [
    'restricted', 'restriction', 'light chain restricted', 'light chain restriction', 'monotypic', 'monotypic expression',
    'monotypic population', 'clonal', 'clonal population', 'clonally restricted', 'restricted expression',
  ],
  plasmaCells: ['plasma cell', 'plasma cells', 'plasmacytic', 'plasmacytoid cells', 'CD138 positive cells', 'CD138+ cells'],
  polyclonal: ['polyclonal', 'polytypic', 'polyclonal increase', 'polyclonal hypergammaglobulinemia', 'polyclonal pattern'],
  freeLightChains: ['free light chain', 'FLC', 'sFLC'],
  ignore: [
    'kappa/lambda ratio', 'kappa lambda ratio', 'kappa:lambda ratio', 'kappa to lambda ratio', 'lambda/kappa ratio',
    'K/L ratio', 'free light chain ratio', 'FLC ratio', 'light chain ratio', 'kappa and lambda free light chains',
    'monoclonal antibody', 'monoclonal antibodies', 'oligoclonal', 'oligoclonal band', 'oligoclonal bands',
    'paraprotein studies', 'paraprotein study', 'paraprotein screen', 'paraprotein screening', 'paraprotein workup',
    'paraprotein work up', 'paraprotein testing', 'paraprotein test', 'monoclonal protein studies', 'monoclonal protein screen',
    'M-protein studies', 'IgG index', 'clonal hematopoiesis', 'clonal haematopoiesis', 'T cell clonal', 'clonal T cells', 'clonal T cell population',
  ],
  methods: {
    ife: ['immunofixation', 'immunofixation electrophoresis', 'immuno fixation', 'IFE', 'IFIX', 'immunotyping', 'immunosubtraction'],
    spep: [
      'SPEP', 'UPEP', 'protein electrophoresis', 'serum protein electrophoresis', 'urine protein electrophoresis', 'electrophoresis',
      'capillary electrophoresis', 'gamma region', 'beta region', 'beta gamma region', 'gamma globulin region', 'alpha 2 region',
      'gamma fraction', 'beta fraction',
    ],
    pathology: [
      'bone marrow', 'marrow', 'aspirate', 'trephine', 'biopsy', 'flow cytometry', 'immunohistochemistry', 'IHC',
      'in situ hybridization', 'in situ hybridisation', 'ISH', 'CD138', 'lymph node',
    ],
  },
  ifeNotDone: [
    'not performed', 'not done', 'not available', 'not yet available', 'pending', 'to follow', 'recommended', 'recommend',
    'suggested', 'suggest', 'advised', 'advise', 'requested', 'request', 'ordered', 'will be', 'would be', 'should be',
    'consider', 'please', 'in progress', 'awaited', 'to be', 'sent', 'planned', 'if',
  ],
  ifeResultWords: [
    'negative', 'positive', 'normal', 'abnormal', 'unremarkable', 'shows', 'showed', 'show', 'revealed', 'reveals',
    'demonstrates', 'demonstrated', 'detected', 'identified', 'confirmed', 'confirms', 'performed', 'done', 'present',
    'result', 'pattern', 'no', 'none',
  ],
};

/** Report-text defaults (spec §1.2). */
export const DEFAULT_TEXT: TextProfile = {
  valueTypes: ['TX', 'FT', 'ST', 'CE', 'CWE'],
  rules: RULES,
  context: CONTEXT,
  labelNegatives: [
    'none', 'no', 'nil', 'absent', 'negative', 'neg', 'not present', 'not seen', 'not identified', 'not detected',
    'none seen', 'none identified', 'none detected', 'not demonstrated', 'N', '-', '–', '—', '0',
  ],
  attribution: [
    'consistent with', 'compatible with', 'in keeping with', 'likely', 'most likely', 'probably', 'probable', 'possibly',
    'representing', 'represents', 'represent', 'reflecting', 'reflects', 'suggestive of', 'typical of', 'characteristic of',
    'due to', 'related to', 'c/w', 'favour', 'favor', 'favoured', 'favored', 'thought to be', 'felt to be',
    'presumably', 'presumed', 'suggesting', 'in favour of', 'in favor of', 'keeping with',
  ],
  separators: ['and', 'also', 'additionally', 'separately', 'separate', 'another', 'as well as', 'plus', 'in addition', 'elsewhere', 'whereas', 'while', 'besides'],
  sections: SECTIONS,
  abbreviations: ['e.g', 'i.e', 'vs', 'approx', 'cf', 'dr', 'fig', 'figs', 'incl', 'ca', 'pt', 'mr', 'mrs', 'prof', 'resp', 'esp', 'sp'],
  clone: CLONE,
};
