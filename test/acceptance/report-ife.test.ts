/**
 * Immunofixation, electrophoresis and free light chains (spec §1 `clone`, `ifeDone`; §1.2 "Clone
 * in text"): interpretations as different reference labs write them, coded results with NTE,
 * two-line reports, SPEP values and FLC ratios against the lab's own range.
 */
import { describe } from 'vitest';
import { messageCases } from './harness/single-message.js';

const SIFE = '25700-6^Immunofixation [interpretation] for Serum or Plasma^LN';
const UIFE = '13440-3^Immunofixation [interpretation] for Urine^LN';
const SPEP = '24351-9^Protein electrophoresis panel - Serum or Plasma^LN';
const MSPIKE = '33358-3^Protein.monoclonal [Mass/volume] in Serum or Plasma by Electrophoresis^LN';
const FLC = '48378-4^Kappa lc.free/Lambda lc.free [Mass Ratio] in Serum^LN';

const obr = (service: string, status = 'F'): string =>
  `OBR|1|L2001|L2001|${service}|||20250225080000|||||||20250225080000|SER|D0042^SYNTHETIC^DOCTOR||||||20250301100000||LAB|${status}`;
/** An IFE interpretation as one text OBX (type TX unless given). */
const ife = (text: string, o: { code?: string; type?: string; status?: string } = {}): string =>
  `${obr(o.code ?? SIFE, o.status)}\nOBX|1|${o.type ?? 'TX'}|${o.code ?? SIFE}||${text}||||||${o.status ?? 'F'}|||20250225080000`;
/** FLC κ/λ ratio with the lab's range (OBX-7). */
const flc = (value: string, range: string, o: { type?: string; code?: string } = {}): string =>
  `${obr('FLCPANEL^Serum free light chains^L')}\nOBX|1|${o.type ?? 'NM'}|${o.code ?? FLC}||${value}||${range}|||F|||20250225080000`;

describe('serum and urine immunofixation: positive, as different labs write it', () => {
  messageCases([
    { label: 'US reference lab: "IgA lambda monoclonal band on a polyclonal background."', body: ife('IgA lambda monoclonal band on a polyclonal background.'), want: 'clone:lambda:IgA ifeDone' },
    { label: 'Academic lab: "Small monoclonal IgA lambda, normal kappa/lambda ratio."', body: ife('Small monoclonal IgA lambda, normal kappa/lambda ratio.'), want: 'clone:lambda:IgA ifeDone' },
    { label: 'Result-style: "Abnormal: IgA-lambda"', body: ife('Abnormal: IgA-lambda', { type: 'ST' }), want: 'clone:lambda:IgA ifeDone' },
    { label: 'Terse: "IgG/lambda"', body: ife('IgG/lambda', { type: 'ST' }), want: 'clone:lambda:IgG ifeDone' },
    { label: 'Greek letter: "Monoclonal IgA-λ detected"', body: ife('Monoclonal IgA-λ detected'), want: 'clone:lambda:IgA ifeDone' },
    { label: 'Urine: "Bence Jones protein, lambda type, detected"', body: ife('Bence Jones protein, lambda type, detected.', { code: UIFE }), want: 'clone:lambda ifeDone' },
    { label: 'Faint band: "Faint IgG kappa band"', body: ife('Faint IgG kappa band in the gamma region.'), want: 'clone:kappa:IgG ifeDone' },
    { label: 'SPEP negative but IFE positive in one sentence', body: ife('M-spike not detected on SPEP but IgA lambda detected on IFE.'), want: 'clone:lambda:IgA ifeDone' },
    { label: 'UK: "Monoclonal IgA lambda paraprotein, too small to quantify"', body: ife('Monoclonal IgA lambda paraprotein, too small to quantify.'), want: 'clone:lambda:IgA ifeDone' },
    { label: 'Upper case: "IMMUNOFIXATION: IGA LAMBDA PARAPROTEIN DETECTED"', body: ife('IMMUNOFIXATION: IGA LAMBDA PARAPROTEIN DETECTED'), want: 'clone:lambda:IgA ifeDone' },
    { label: 'Urine free lambda, "no heavy chain" negates only the heavy chain', body: ife('Free lambda light chains detected, no heavy chain.', { code: UIFE }), want: 'clone:lambda ifeDone' },
    { label: 'Biclonal counts as lambda', body: ife('Biclonal gammopathy: IgG kappa and IgA lambda monoclonal bands.'), want: 'clone:lambda ~clone:kappa ifeDone' },
    { label: 'Hedged: "Possible faint IgA lambda band; repeat in 3 months."', body: ife('Possible faint IgA lambda band; repeat in 3 months.'), want: 'clone:lambda:IgA? ifeDone' },
    { label: 'Preliminary IFE (OBX-11 P): possible clone, ifeDone set', body: ife('IgA lambda monoclonal protein detected.', { status: 'P' }), want: 'clone:lambda:IgA? ifeDone' },
    { label: 'Local IFE code with the LOINC in the alternate triplet', body: ife('IgG lambda monoclonal protein present.', { code: 'SIFE^Serum IFE^99LAB^25700-6^Immunofixation [interpretation] for Serum or Plasma^LN' }), want: 'clone:lambda:IgG ifeDone' },
    { label: 'Unmapped local code whose text names immunofixation', body: ife('Immunofixation: IgG lambda monoclonal band.', { code: 'IMFIX^Serum immunofixation^L' }), want: 'clone:lambda:IgG ifeDone' },
  ]);
});

describe('immunofixation: negative forms', () => {
  messageCases([
    { label: '"No monoclonal protein detected."', body: ife('No monoclonal protein detected.'), want: 'ifeDone' },
    { label: '"Negative for monoclonal protein"', body: ife('Negative for monoclonal protein', { type: 'ST' }), want: 'ifeDone' },
    { label: '"IFE negative."', body: ife('IFE negative.', { type: 'ST' }), want: 'ifeDone' },
    { label: '"Polyclonal increase in immunoglobulins; no monoclonal band."', body: ife('Polyclonal increase in immunoglobulins; no monoclonal band.'), want: 'ifeDone' },
    { label: 'British: "Polyclonal hypergammaglobulinaemia."', body: ife('Polyclonal hypergammaglobulinaemia.'), want: 'ifeDone' },
    { label: 'Urine IFE: "No Bence Jones protein detected."', body: ife('No Bence Jones protein detected.', { code: UIFE }), want: 'ifeDone' },
    { label: 'Preliminary negative IFE still sets ifeDone', body: ife('No monoclonal protein detected.', { status: 'P' }), want: 'ifeDone' },
  ]);
});

describe('immunofixation: coded results, NTE comments and two-line reports', () => {
  messageCases([
    {
      label: 'Coded POS with an NTE naming the band',
      body: [obr(SIFE), `OBX|1|CWE|${SIFE}||POS^Positive^HL70078||||A|||F|||20250225080000`, 'NTE|1|L|Monoclonal IgA lambda band in the gamma region.'].join('\n'),
      want: 'clone:lambda:IgA ifeDone',
    },
    {
      label: 'Coded "Detected" without a comment: untyped clone',
      body: [obr(SIFE), `OBX|1|CE|${SIFE}||DET^Detected^L||||A|||F|||20250225080000`].join('\n'),
      want: 'clone:unknown ifeDone',
    },
    {
      label: 'Coded POS with an NTE "kappa/lambda ratio normal" (does not cancel)',
      body: [obr(SIFE), `OBX|1|CWE|${SIFE}||POS^Positive^HL70078||||A|||F|||20250225080000`, 'NTE|1|L|Serum free kappa/lambda ratio normal.'].join('\n'),
      want: 'clone:unknown ifeDone',
    },
    {
      label: 'Coded NEG with an NTE "No monoclonal protein"',
      body: [obr(SIFE), `OBX|1|CWE|${SIFE}||NEG^Negative^HL70078||||N|||F|||20250225080000`, 'NTE|1|L|No monoclonal protein identified.'].join('\n'),
      want: 'ifeDone',
    },
    {
      label: 'Coded "Positive" as ST text with a coded negative SPEP comment: the band named in text counts',
      body: [obr(SIFE), `OBX|1|ST|${SIFE}||Positive||||A|||F|||20250225080000`, 'NTE|1|L|IgG lambda; no M-spike quantifiable on SPEP.'].join('\n'),
      want: 'clone:lambda:IgG ifeDone',
    },
    {
      label: 'Two-line IFE: the positive first line is not overwritten by the second',
      body: [obr(SIFE), `OBX|1|TX|${SIFE}|1|IgA lambda monoclonal protein detected.||||||F|||20250225080000`, `OBX|2|TX|${SIFE}|2|Suggest urine immunofixation and serum free light chains.||||||F|||20250225080000`].join('\n'),
      want: 'clone:lambda:IgA ifeDone',
    },
    {
      label: 'Two-line IFE with blank OBX-4: "Interpretation:" then the band',
      body: [obr(SIFE), `OBX|1|TX|${SIFE}||Interpretation:||||||F|||20250225080000`, `OBX|2|TX|${SIFE}||IgG lambda paraprotein.||||||F|||20250225080000`].join('\n'),
      want: 'clone:lambda:IgG ifeDone',
    },
    {
      label: 'Two-line IFE: the band phrase wrapped across the lines',
      body: [obr(SIFE), `OBX|1|TX|${SIFE}|1|A faint monoclonal IgA||||||F|||20250225080000`, `OBX|2|TX|${SIFE}|2|lambda band is present.||||||F|||20250225080000`].join('\n'),
      want: 'clone:lambda:IgA ifeDone',
    },
    {
      label: 'IFE interpretation sent as NTE under the OBR only',
      body: [obr(SIFE), 'NTE|1|L|Immunofixation shows an IgA lambda monoclonal protein.'].join('\n'),
      want: 'clone:lambda:IgA ifeDone',
    },
  ]);
});

describe('serum protein electrophoresis', () => {
  messageCases([
    { label: 'M-spike 0.4 g/dL: untyped clone, not immunofixation', body: `${obr(SPEP)}\nOBX|1|NM|${MSPIKE}||0.4|g/dL|0.0-0.0|A|||F|||20250225080000`, want: 'clone:unknown' },
    { label: 'M-spike 0.0 g/dL: nothing', body: `${obr(SPEP)}\nOBX|1|NM|${MSPIKE}||0.0|g/dL|0.0-0.0|N|||F|||20250225080000`, want: '' },
    { label: 'M-spike ST "Not detected": nothing', body: `${obr(SPEP)}\nOBX|1|ST|${MSPIKE}||Not detected|||N|||F|||20250225080000`, want: '' },
    { label: 'M-spike SN "<^0.1": nothing', body: `${obr(SPEP)}\nOBX|1|SN|${MSPIKE}||<^0.1|g/dL||N|||F|||20250225080000`, want: '' },
    {
      label: 'SPEP interpretation naming the immunofixation type',
      body: `${obr(SPEP)}\nOBX|1|TX|SPEPINT^SPEP interpretation^L||Small M-spike in the gamma region (0.3 g/dL). Immunofixation shows IgG lambda.||||||F|||20250225080000`,
      want: 'clone:lambda:IgG ~clone:unknown ~ifeDone',
    },
    {
      label: 'SPEP interpretation: "No M-spike on SPEP, IFE shows IgA lambda"',
      body: `${obr(SPEP)}\nOBX|1|TX|SPEPINT^SPEP interpretation^L||No M-spike on SPEP, IFE shows IgA lambda.||||||F|||20250225080000`,
      want: 'clone:lambda:IgA ~ifeDone',
    },
    {
      label: 'SPEP interpretation negative: no clone and no ifeDone',
      body: `${obr(SPEP)}\nOBX|1|TX|SPEPINT^SPEP interpretation^L||No M-spike identified. Normal electrophoretic pattern.||||||F|||20250225080000`,
      want: '',
    },
  ]);
});

describe('serum free light chains: ratio against the lab\'s range', () => {
  messageCases([
    { label: 'Ratio 0.12, range 0.26-1.65: lambda, possible', body: flc('0.12', '0.26-1.65'), want: 'clone:lambda?' },
    {
      label: 'Ratio 0.12 with free lambda above its range: lambda, definite',
      body: `${obr('FLCPANEL^Serum free light chains^L')}\nOBX|1|NM|36916-5^Kappa light chains.free [Mass/volume] in Serum^LN||12.1|mg/L|3.3-19.4|N|||F|||20250225080000\nOBX|2|NM|33944-0^Lambda light chains.free [Mass/volume] in Serum^LN||98.4|mg/L|5.7-26.3|H|||F|||20250225080000\nOBX|3|NM|${FLC}||0.12||0.26-1.65|L|||F|||20250225080000`,
      want: 'clone:lambda ~clone:lambda?',
    },
    { label: 'Ratio 4.5, renal range 0.37-3.1: kappa, possible', body: flc('4.5', '0.37-3.1'), want: 'clone:kappa?' },
    { label: 'Ratio 2.0 above the lab\'s upper limit 1.65: kappa, possible', body: flc('2.0', '0.26-1.65'), want: 'clone:kappa?' },
    { label: 'Ratio 0.9: normal is non-informative', body: flc('0.9', '0.26-1.65'), want: '' },
    { label: 'Ratio 0.20 with no range: default lower limit 0.26', body: flc('0.20', ''), want: 'clone:lambda?' },
    { label: 'Ratio 3.0 with no range: below the default upper limit 3.1', body: flc('3.0', ''), want: '' },
    { label: 'Nephelometry code 80517-6, ratio 0.1', body: flc('0.1', '0.26-1.65', { code: '80517-6^Kappa lc.free/Lambda lc.free [Mass Ratio] in Serum by Nephelometry^LN' }), want: 'clone:lambda?' },
    { label: 'European lab, decimal comma "0,125"', body: flc('0,125', '0,26-1,65', { type: 'ST' }), want: 'clone:lambda?' },
    { label: 'SN "<^0.26": at the limit counts as below', body: flc('<^0.26', '0.26-1.65', { type: 'SN' }), want: 'clone:lambda?' },
    { label: 'SN "<=^0.26": not below the limit', body: flc('<=^0.26', '0.26-1.65', { type: 'SN' }), want: '' },
  ]);
});
