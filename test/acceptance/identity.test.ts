/**
 * Patient identity (spec §1.3): the key from PID-3, authority from the sending facility, aliases
 * linked as if merged, placeholders and identifier types that never link.
 */
import { describe } from 'vitest';
import { cidp, ife, plt } from './harness/feed-builders.js';
import { sequenceCases } from './harness/sequence.js';
import { messageCases } from './harness/single-message.js';

const CIDP_DG1 = 'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250301|F';
const LAMBDA = 'IgA lambda monoclonal protein detected.';

describe('the patient key of one message', () => {
  messageCases([
    { label: 'MR with its assigning authority', body: CIDP_DG1, pid3: 'P100^^^HOSPA^MR', key: 'HOSPA|P100', aliases: [] },
    { label: 'MR without authority: taken from MSH-4', body: CIDP_DG1, pid3: 'P100^^^^MR', from: 'HOSPA', key: 'HOSPA|P100', aliases: [] },
    { label: 'Bare id, MSH-4 with an OID: MSH-4.1', body: CIDP_DG1, pid3: 'P100', from: 'HOSPA^2.16.840.1.113883.19.5^ISO', key: 'HOSPA|P100' },
    { label: 'Account number first, MR second: the MR is the key', body: CIDP_DG1, pid3: 'A998^^^HOSPA^AN~P100^^^HOSPA^MR', key: 'HOSPA|P100', aliases: [] },
    { label: 'Reference lab id listed before the MR: the MR is the key, the lab id an alias', body: CIDP_DG1, pid3: 'RL777^^^REFLAB^PI~P100^^^HOSPA^MR', key: 'HOSPA|P100', aliases: ['REFLAB|RL777'] },
    { label: 'Two MRs (old MRN kept after a registration merge): the second is an alias', body: CIDP_DG1, pid3: 'P100^^^HOSPA^MR~P055^^^HOSPA^MR', key: 'HOSPA|P100', aliases: ['HOSPA|P055'] },
    { label: 'MRT alias type', body: CIDP_DG1, pid3: 'P100^^^HOSPA^MR~T4411^^^REFLAB^MRT', key: 'HOSPA|P100', aliases: ['REFLAB|T4411'] },
    { label: 'Alias without authority takes MSH-4', body: CIDP_DG1, pid3: 'P100^^^HOSPA^MR~RL777^^^^PI', from: 'REFLAB', key: 'HOSPA|P100', aliases: ['REFLAB|RL777'] },
    { label: 'National number (NH) is not an alias type', body: CIDP_DG1, pid3: 'P100^^^HOSPA^MR~9434765919^^^NHS^NH', key: 'HOSPA|P100', aliases: [] },
    { label: 'Social security number first, lab PI second: the PI is the key', body: CIDP_DG1, pid3: '123456789^^^SSA^SS~RL777^^^REFLAB^PI', key: 'REFLAB|RL777', aliases: [] },
    { label: 'Visit number first, PT second', body: CIDP_DG1, pid3: 'V777^^^HOSPA^VN~P100^^^HOSPA^PT', key: 'HOSPA|P100' },
    { label: 'Placeholder MR 999999999 is never used: the PI is the key', body: CIDP_DG1, pid3: '999999999^^^HOSPA^MR~TMP1^^^HOSPA^PI', key: 'HOSPA|TMP1', aliases: [] },
    { label: 'No type at all: the first identifier', body: CIDP_DG1, pid3: 'P100^^^HOSPA', key: 'HOSPA|P100' },
    { label: 'Only a placeholder: no patient, rejected because it carries a diagnosis', body: CIDP_DG1, pid3: '000000^^^HOSPA^MR', rejects: 'HL7_NO_PATIENT_ID' },
    { label: 'Only a social security number: no patient, rejected', body: CIDP_DG1, pid3: '123456789^^^SSA^SS', rejects: 'HL7_NO_PATIENT_ID' },
  ]);
});

describe('identity across messages', () => {
  sequenceCases([
    {
      label: 'EHR ADT with authority, hospital LIS result without authority (MSH-4 HOSPA): one patient',
      steps: [cidp('20250301'), plt('20250305', 520, { pid3: 'P100^^^^MR', from: 'HOSPA' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'LIS sends a bare id with MSH-4 "HOSPA^OID^ISO": one patient',
      steps: [cidp('20250301'), plt('20250305', 520, { pid3: 'P100', from: 'HOSPA^2.16.840.1.113883.19.5^ISO' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'ADT lists the reference lab id; the lab then sends IFE under its own id only',
      steps: [cidp('20250301', { pid3: 'P100^^^HOSPA^MR~RL777^^^REFLAB^PI' }), ife('20250310', LAMBDA, { pid3: 'RL777^^^REFLAB^PI', from: 'REFLAB' })],
      want: { tier: 'workup-recommended', status: 'open' },
      also: { 'REFLAB|RL777': { status: 'none' } },
    },
    {
      label: 'Reference lab result under its own id first, the linking ADT later',
      steps: [ife('20250301', LAMBDA, { pid3: 'RL777^^^REFLAB^PI', from: 'REFLAB' }), cidp('20250310', { pid3: 'P100^^^HOSPA^MR~RL777^^^REFLAB^PI' })],
      want: { tier: 'workup-recommended', status: 'open' },
      also: { 'REFLAB|RL777': { status: 'none' } },
    },
    {
      label: 'Old MRN kept as a second MR: results under the old MRN join',
      steps: [cidp('20250301', { pid3: 'P100^^^HOSPA^MR~P055^^^HOSPA^MR' }), plt('20250305', 520, { pid3: 'P055^^^HOSPA^MR' })],
      want: { tier: 'screening-gap', status: 'open' },
      also: { 'HOSPA|P055': { status: 'none' } },
    },
    {
      label: 'A shared guarantor account number (AN) never links mother and son',
      steps: [cidp('20250301', { pid3: 'P100^^^HOSPA^MR~A777^^^HOSPA^AN' }), plt('20250305', 520, { pid3: 'P200^^^HOSPA^MR~A777^^^HOSPA^AN' })],
      want: { status: 'none' },
      also: { 'HOSPA|P200': { status: 'none' } },
    },
    {
      label: 'Two unknown patients registered with placeholder MRN 999999999 are never fused',
      steps: [cidp('20250301', { pid3: '999999999^^^HOSPA^MR~TMP1^^^HOSPA^PI' }), plt('20250301', 520, { pid3: '999999999^^^HOSPA^MR~TMP2^^^HOSPA^PI' })],
      patient: 'HOSPA|TMP1',
      want: { status: 'none' },
      also: { 'HOSPA|TMP2': { status: 'none' }, 'HOSPA|999999999': { status: 'none' } },
    },
    {
      label: 'A national health number (NH) never links an outside lab result',
      steps: [cidp('20250301', { pid3: 'P100^^^HOSPA^MR~9434765919^^^NHS^NH' }), ife('20250310', LAMBDA, { pid3: '9434765919^^^NHS^NH', from: 'OUTLAB' })],
      want: { status: 'none' },
      also: { 'NHS|9434765919': { status: 'none' } },
    },
    {
      label: 'An outside result keyed only by SSN is rejected and never joins',
      steps: [cidp('20250301', { pid3: 'P100^^^HOSPA^MR~123456789^^^SSA^SS' }), ife('20250310', LAMBDA, { pid3: '123456789^^^SSA^SS', from: 'OUTLAB' })],
      want: { status: 'none' },
      rejected: ['HL7_NO_PATIENT_ID'],
    },
  ]);
});
