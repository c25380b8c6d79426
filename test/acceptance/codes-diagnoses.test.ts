/**
 * Coded diagnoses (spec §1 table, coding systems, exclusions, working/admitting diagnoses,
 * poemsKnown): DG1 segments as different EHRs and countries send them.
 */
import { describe } from 'vitest';
import { messageCases } from './harness/single-message.js';

/** One DG1: DG1-3 as sent, DG1-4 description, DG1-6 type (default F). */
const dg1 = (code: string, o: { desc?: string; type?: string } = {}): string => `DG1|1||${code}|${o.desc ?? ''}|20250301|${o.type ?? 'F'}`;
const prb = (problem: string): string => `PRB|AD|20250301|${problem}|P1||||20250301`;

describe('neuropathy codes: ICD-10 variants, ICD-9-CM, SNOMED CT and coding-system spellings', () => {
  messageCases([
    { label: 'US Epic: G61.81 I10', body: dg1('G61.81^Chronic inflammatory demyelinating polyneuritis^I10'), want: 'neuropathy:cidp' },
    { label: 'Dot omitted: G6181', body: dg1('G6181^CIDP^I10'), want: 'neuropathy:cidp' },
    { label: 'System spelled ICD-10-CM', body: dg1('G61.81^Chronic inflammatory demyelinating polyneuritis^ICD-10-CM'), want: 'neuropathy:cidp' },
    { label: 'System ICD10CM, dot omitted', body: dg1('G6181^CIDP^ICD10CM'), want: 'neuropathy:cidp' },
    { label: 'ICD-10-CM by OID 2.16.840.1.113883.6.90', body: dg1('G61.81^CIDP^2.16.840.1.113883.6.90'), want: 'neuropathy:cidp' },
    { label: 'WHO ICD-10 G61.8 (I10WHO)', body: dg1('G61.8^Other inflammatory polyneuropathies^I10WHO'), want: 'neuropathy:cidp' },
    { label: 'WHO ICD-10 by OID 2.16.840.1.113883.6.3', body: dg1('G61.8^Other inflammatory polyneuropathies^2.16.840.1.113883.6.3'), want: 'neuropathy:cidp' },
    { label: 'German ICD10GM G61.8 G (definite suffix)', body: dg1('G61.8 G^Sonstige Polyneuritiden^ICD10GM'), want: 'neuropathy:cidp' },
    { label: 'German ICD-10-GM G61.8V (possible suffix keeps a definite neuropathy)', body: dg1('G61.8V^Sonstige Polyneuritiden^ICD-10-GM'), want: 'neuropathy:cidp' },
    { label: 'German G61.8 V with a space', body: dg1('G61.8 V^Sonstige Polyneuritiden^ICD10GM'), want: 'neuropathy:cidp' },
    { label: 'German G61.8 A (excluded: no diagnosis)', body: dg1('G61.8 A^Sonstige Polyneuritiden^ICD10GM'), want: '' },
    { label: 'German G61.8 Z (history of a chronic kind: kept)', body: dg1('G61.8 Z^Sonstige Polyneuritiden^ICD10GM'), want: 'neuropathy:cidp' },
    { label: 'Canadian ICD10CA G61.8', body: dg1('G61.8^Other inflammatory polyneuropathies^ICD10CA'), want: 'neuropathy:cidp' },
    { label: 'Australian ICD10AM G61.8', body: dg1('G61.8^Other inflammatory polyneuropathies^ICD10AM'), want: 'neuropathy:cidp' },
    { label: 'ICD-9-CM 357.81 (I9C)', body: dg1('357.81^Chronic inflammatory demyelinating polyneuritis^I9C'), want: 'neuropathy:cidp' },
    { label: 'ICD-9-CM 357.81 by OID 2.16.840.1.113883.6.103', body: dg1('357.81^CIDP^2.16.840.1.113883.6.103'), want: 'neuropathy:cidp' },
    { label: 'ICD-9 356.9 (ICD9)', body: dg1('356.9^Idiopathic peripheral neuropathy, unspecified^ICD9'), want: 'neuropathy' },
    { label: 'ICD-9 357.4 (I9)', body: dg1('357.4^Polyneuropathy in other diseases^I9'), want: 'neuropathy' },
    { label: 'ICD-9 357.0 Guillain-Barré is excluded', body: dg1('357.0^Acute infective polyneuritis^I9C'), want: '' },
    { label: 'ICD-9 356.1 peroneal muscular atrophy is excluded', body: dg1('356.1^Peroneal muscular atrophy^I9C'), want: '' },
    { label: 'ICD-9 357.5 alcoholic polyneuropathy is excluded', body: dg1('357.5^Alcoholic polyneuropathy^I9C'), want: '' },
    { label: 'SNOMED CT 128209004 (SCT)', body: dg1('128209004^Chronic inflammatory demyelinating polyradiculoneuropathy^SCT'), want: 'neuropathy:cidp' },
    { label: 'SNOMED CT spelled SNOMED-CT', body: dg1('128209004^CIDP^SNOMED-CT'), want: 'neuropathy:cidp' },
    { label: 'SNOMED CT by OID 2.16.840.1.113883.6.96', body: dg1('128209004^CIDP^2.16.840.1.113883.6.96'), want: 'neuropathy:cidp' },
    { label: 'G62.9 polyneuropathy, unspecified', body: dg1('G62.9^Polyneuropathy, unspecified^I10'), want: 'neuropathy' },
    { label: 'G63 polyneuropathy in diseases classified elsewhere', body: dg1('G63^Polyneuropathy in diseases classified elsewhere^I10'), want: 'neuropathy' },
    { label: 'G61.89 other inflammatory', body: dg1('G61.89^Other inflammatory polyneuropathies^I10'), want: 'neuropathy' },
    { label: 'G61.9 inflammatory, unspecified', body: dg1('G61.9^Inflammatory polyneuropathy, unspecified^I10'), want: 'neuropathy' },
    { label: 'G62.89 other specified', body: dg1('G62.89^Other specified polyneuropathies^I10'), want: 'neuropathy' },
    { label: 'G61.0 Guillain-Barré is excluded', body: dg1('G61.0^Guillain-Barre syndrome^I10'), want: '' },
    { label: 'G61.82 multifocal motor neuropathy is excluded', body: dg1('G61.82^Multifocal motor neuropathy^I10'), want: '' },
    { label: 'G62.1 alcoholic is excluded', body: dg1('G62.1^Alcoholic polyneuropathy^I10'), want: '' },
    { label: 'G62.81 critical illness is excluded', body: dg1('G62.81^Critical illness polyneuropathy^I10'), want: '' },
    { label: 'G60.3 hereditary/idiopathic is not in the gate', body: dg1('G60.3^Idiopathic progressive neuropathy^I10'), want: '' },
    { label: 'Working diagnosis (DG1-6 W) counts', body: dg1('G61.81^Chronic inflammatory demyelinating polyneuritis^I10', { type: 'W' }), want: 'neuropathy:cidp' },
    { label: 'Admitting diagnosis (DG1-6 A) counts', body: dg1('G61.81^Chronic inflammatory demyelinating polyneuritis^I10', { type: 'A' }), want: 'neuropathy:cidp' },
    { label: 'DG1-6 empty counts', body: dg1('G62.9^Polyneuropathy, unspecified^I10', { type: '' }), want: 'neuropathy' },
  ]);
});

describe('other coded kinds', () => {
  messageCases([
    { label: 'D47.2 monoclonal gammopathy: untyped clone', body: dg1('D47.2^Monoclonal gammopathy^I10'), want: 'clone:unknown' },
    { label: 'C90.00 myeloma: untyped clone', body: dg1('C90.00^Multiple myeloma not having achieved remission^I10'), want: 'clone:unknown' },
    { label: 'ICD-9-CM 273.1 monoclonal paraproteinemia', body: dg1('273.1^Monoclonal paraproteinemia^I9C'), want: 'clone:unknown' },
    { label: 'ICD-9-CM 203.00 myeloma', body: dg1('203.00^Multiple myeloma, without remission^I9C'), want: 'clone:unknown' },
    { label: 'D47.Z2 Castleman disease', body: dg1('D47.Z2^Castleman disease^I10'), want: 'castleman' },
    { label: 'D75.838 other thrombocytosis', body: dg1('D75.838^Other thrombocytosis^I10'), want: 'thrombocytosis' },
    { label: 'D47.3 essential thrombocythemia', body: dg1('D47.3^Essential (hemorrhagic) thrombocythemia^I10'), want: 'thrombocytosis' },
    { label: 'D45 polycythemia vera', body: dg1('D45^Polycythemia vera^I10'), want: 'polycythemia' },
    { label: 'D75.1 secondary polycythemia', body: dg1('D75.1^Secondary polycythemia^I10'), want: 'polycythemia' },
    { label: 'R16.2 hepatomegaly with splenomegaly', body: dg1('R16.2^Hepatomegaly with splenomegaly, not elsewhere classified^I10'), want: 'organomegaly' },
    { label: 'R59.1 generalized lymphadenopathy', body: dg1('R59.1^Generalized enlarged lymph nodes^I10'), want: 'organomegaly' },
    { label: 'R18.8 other ascites', body: dg1('R18.8^Other ascites^I10'), want: 'volumeOverload' },
    { label: 'J90 pleural effusion', body: dg1('J90^Pleural effusion, not elsewhere classified^I10'), want: 'volumeOverload' },
    { label: 'R60.1 generalized edema', body: dg1('R60.1^Generalized edema^I10'), want: 'volumeOverload' },
    { label: 'R18.0 malignant ascites is not in the list', body: dg1('R18.0^Malignant ascites^I10'), want: '' },
    { label: 'E29.1 testicular hypofunction', body: dg1('E29.1^Testicular hypofunction^I10'), want: 'endocrinopathy' },
    { label: 'E23.0 hypopituitarism', body: dg1('E23.0^Hypopituitarism^I10'), want: 'endocrinopathy' },
    { label: 'E27.1 primary adrenocortical insufficiency', body: dg1('E27.1^Primary adrenocortical insufficiency^I10'), want: 'endocrinopathy' },
    { label: 'E20.9 hypoparathyroidism (E20.x)', body: dg1('E20.9^Hypoparathyroidism, unspecified^I10'), want: 'endocrinopathy' },
    { label: 'E11.9 diabetes never counts', body: dg1('E11.9^Type 2 diabetes mellitus without complications^I10'), want: '' },
    { label: 'E03.9 hypothyroidism never counts', body: dg1('E03.9^Hypothyroidism, unspecified^I10'), want: '' },
    { label: 'Diabetes and hypothyroidism together never count', body: [dg1('E11.42^Type 2 diabetes mellitus with diabetic polyneuropathy^I10'), 'DG1|2||E03.9^Hypothyroidism, unspecified^I10||20250301|F'].join('\n'), want: '' },
    { label: 'L81.4 melanin hyperpigmentation', body: dg1('L81.4^Other melanin hyperpigmentation^I10'), want: 'skinChanges' },
    { label: 'L68.8 other hypertrichosis', body: dg1('L68.8^Other hypertrichosis^I10'), want: 'skinChanges' },
    { label: 'D18.01 hemangioma of skin', body: dg1('D18.01^Hemangioma of skin and subcutaneous tissue^I10'), want: 'skinChanges' },
    { label: 'H47.11 papilledema with raised ICP', body: dg1('H47.11^Papilledema associated with increased intracranial pressure^I10'), want: 'papilledema' },
    { label: 'H47.141 Foster-Kennedy, right eye (within H47.10-H47.149)', body: dg1('H47.141^Foster-Kennedy syndrome, right eye^I10'), want: 'papilledema' },
    { label: 'H47.20 optic atrophy is not papilledema', body: dg1('H47.20^Unspecified optic atrophy^I10'), want: '' },
    {
      label: 'One A08 with several DG1: CIDP, hypogonadism, splenomegaly',
      body: [dg1('G61.81^Chronic inflammatory demyelinating polyneuritis^I10'), 'DG1|2||E29.1^Testicular hypofunction^I10||20250301|F', 'DG1|3||R16.1^Splenomegaly, not elsewhere classified^I10||20250301|F'].join('\n'),
      want: 'neuropathy:cidp endocrinopathy organomegaly',
    },
  ]);
});

describe('poemsKnown: affirmed diagnoses suppress, mentions and doubts do not', () => {
  messageCases([
    { label: 'D47.2 with text "POEMS syndrome", final', body: dg1('D47.2^POEMS syndrome^I10'), want: 'poemsKnown clone:unknown' },
    { label: 'No code, DG1-4 "POEMS syndrome"', body: 'DG1|1||^POEMS syndrome^L|POEMS syndrome|20250301|F', want: 'poemsKnown' },
    { label: 'D47.2 "Monoclonal gammopathy" with DG1-4 "POEMS syndrome"', body: dg1('D47.2^Monoclonal gammopathy^I10', { desc: 'POEMS syndrome' }), want: 'poemsKnown clone:unknown' },
    { label: 'Japanese name: "Crow-Fukase syndrome"', body: dg1('CF01^Crow-Fukase syndrome^L'), want: 'poemsKnown' },
    { label: '"Takatsuki syndrome"', body: dg1('TK01^Takatsuki syndrome^L'), want: 'poemsKnown' },
    { label: '"Osteosclerotic myeloma" coded C90.00', body: dg1('C90.00^Osteosclerotic myeloma^I10'), want: 'poemsKnown clone:unknown' },
    { label: '"History of POEMS syndrome, in remission" (chronic kind)', body: dg1('Z86.2^History of POEMS syndrome, in remission^I10'), want: 'poemsKnown' },
    { label: 'Problem list PRB "POEMS syndrome"', body: prb('^POEMS syndrome^L'), want: 'poemsKnown' },
    { label: '"POEMS syndrome ruled out" does not suppress', body: 'DG1|1||^POEMS syndrome ruled out^L||20250301|F', want: '', unread: 'NOT_AFFIRMED' },
    { label: '"No POEMS" does not suppress', body: 'DG1|1||^No POEMS^L||20250301|F', want: '' },
    { label: '"Concern for POEMS syndrome" does not suppress', body: 'DG1|1||^Concern for POEMS syndrome^L||20250301|F', want: '' },
    { label: '"Suspected POEMS syndrome" does not suppress', body: 'DG1|1||^Suspected POEMS syndrome^L||20250301|F', want: '' },
    { label: '"Screening for POEMS" does not suppress', body: 'DG1|1||^Screening for POEMS^L||20250301|F', want: '' },
    { label: '"POEMS syndrome under evaluation" does not suppress', body: 'DG1|1||^POEMS syndrome under evaluation^L||20250301|F', want: '' },
    { label: '"Possible POEMS syndrome" does not suppress', body: 'DG1|1||^Possible POEMS syndrome^L||20250301|F', want: '' },
    { label: '"? POEMS" (British query) does not suppress', body: 'DG1|1||^? POEMS^L||20250301|F', want: '' },
    { label: '"Family history of POEMS syndrome" does not suppress', body: 'DG1|1||^Family history of POEMS syndrome^L||20250301|F', want: '' },
    { label: 'Working diagnosis (W) "POEMS syndrome" does not suppress', body: dg1('D47.2^POEMS syndrome^I10', { type: 'W' }), want: 'clone:unknown', unread: 'NOT_AFFIRMED' },
    { label: 'Admitting diagnosis (A) "POEMS syndrome" does not suppress', body: 'DG1|1||^POEMS syndrome^L|POEMS syndrome|20250301|A', want: '' },
  ]);
});
