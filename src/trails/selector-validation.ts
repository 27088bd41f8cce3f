/**
 * PutEventSelectors validation (reference §2.9, §6.1–6.3, §13): every rule AWS applies to basic
 * and advanced selectors, each failure an InvalidEventSelectorsException naming the offending
 * field and value. Returns the normalized selectors to store and echo back.
 */
import { AwsError } from '../aws/errors.js';
import type {
  AdvancedEventSelector,
  AdvancedFieldSelector,
  DataResource,
  EventSelector,
} from '../services/cloudtrail/generated/model.js';
import { DATA_RESOURCE_TYPES, dataResourceType, isTypeWideValue } from './data-resource-types.js';
import type { TrailSelectors } from './selectors.js';

const MAX_BASIC_SELECTORS = 5;
const MAX_DATA_RESOURCE_VALUES = 250;
const MAX_ADVANCED_VALUES = 500;
const READ_WRITE_TYPES: readonly string[] = ['ReadOnly', 'WriteOnly', 'All'];
/** Management event sources a trail may exclude (basic) or NotEquals (advanced). */
const EXCLUDABLE_SOURCES: readonly string[] = ['kms.amazonaws.com', 'rdsdata.amazonaws.com'];
/** Event sources with network activity events (reference §6.3); extend as AWS adds services. */
const NETWORK_ACTIVITY_SOURCES: readonly string[] = [
  'cloudtrail.amazonaws.com',
  'ec2.amazonaws.com',
  'kms.amazonaws.com',
  'secretsmanager.amazonaws.com',
];

const invalid = (message: string) => new AwsError('InvalidEventSelectorsException', message);
const list = (values: readonly string[]) => values.join(', ');

export function validateEventSelectorsInput(input: {
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
}): TrailSelectors {
  const { EventSelectors: basic, AdvancedEventSelectors: advanced } = input;
  if (basic !== undefined && advanced !== undefined) {
    throw invalid('Specify either EventSelectors or AdvancedEventSelectors, not both.');
  }
  if (basic !== undefined) return { kind: 'basic', selectors: validateBasic(basic) };
  if (advanced !== undefined) return { kind: 'advanced', selectors: validateAdvanced(advanced) };
  throw invalid('Specify EventSelectors or AdvancedEventSelectors.');
}

// ---- basic ----

function validateBasic(selectors: EventSelector[]): EventSelector[] {
  if (selectors.length < 1 || selectors.length > MAX_BASIC_SELECTORS) {
    throw invalid(`Specify between 1 and ${MAX_BASIC_SELECTORS} EventSelectors; ${selectors.length} were given.`);
  }
  const out = selectors.map(normalizeBasic);
  const counts = out.map((s) => countDataValues(s.DataResources ?? []));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > MAX_DATA_RESOURCE_VALUES) {
    throw invalid(`Specify a valid number of DataResources.Values (0 to ${MAX_DATA_RESOURCE_VALUES}) for all your selectors.`);
  }
  return out;
}

function normalizeBasic(s: EventSelector): EventSelector {
  const rw = s.ReadWriteType ?? 'All';
  if (!READ_WRITE_TYPES.includes(rw)) {
    throw invalid(`Value ${rw} for ReadWriteType is invalid. Valid values are ${list(READ_WRITE_TYPES)}.`);
  }
  const excluded = s.ExcludeManagementEventSources ?? [];
  for (const source of excluded) {
    if (!EXCLUDABLE_SOURCES.includes(source)) {
      throw invalid(`Value ${source} for ExcludeManagementEventSources is invalid. Valid values are ${list(EXCLUDABLE_SOURCES)}.`);
    }
  }
  const includeManagement = s.IncludeManagementEvents ?? true;
  const dataResources = (s.DataResources ?? []).map(normalizeDataResource);
  if (!includeManagement && dataResources.length === 0) {
    throw invalid(
      'Invalid combination of parameters in EventSelectors. When includeManagementEvents is false, DataResources must not be empty.',
    );
  }
  return {
    ReadWriteType: rw,
    IncludeManagementEvents: includeManagement,
    DataResources: dataResources,
    ExcludeManagementEventSources: [...excluded],
  };
}

function normalizeDataResource(dr: DataResource): DataResource {
  const t = dr.Type === undefined ? undefined : dataResourceType(dr.Type);
  if (!t?.basic) {
    const supported = list(DATA_RESOURCE_TYPES.filter((x) => x.basic).map((x) => x.type));
    throw invalid(
      `Value ${dr.Type ?? '(missing)'} for DataResources.Type is invalid. EventSelectors support ${supported}; use AdvancedEventSelectors for other resource types.`,
    );
  }
  const values = dr.Values ?? [];
  for (const v of values) {
    if (!isTypeWideValue(t, v) && !t.arn.test(v)) throw invalid(`Value ${v} for DataResources.Values is invalid.`);
  }
  return { Type: t.type, Values: [...values] };
}

/** Values that count toward the 250 limit: selecting every resource of a type does not. */
function countDataValues(resources: DataResource[]): number {
  let n = 0;
  for (const dr of resources) {
    const t = dataResourceType(dr.Type ?? '');
    for (const v of dr.Values ?? []) if (!t || !isTypeWideValue(t, v)) n += 1;
  }
  if (n > MAX_DATA_RESOURCE_VALUES) {
    throw invalid(`Specify a valid number of DataResources.Values (0 to ${MAX_DATA_RESOURCE_VALUES}) for all your selectors.`);
  }
  return n;
}

// ---- advanced ----

const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
type Operator = (typeof OPERATORS)[number];
type Category = 'Management' | 'Data' | 'NetworkActivity';

interface FieldRule {
  /** Operators the field accepts; all when absent. */
  operators?: readonly Operator[];
  /** The only values the field accepts; any when absent. */
  values?: readonly string[];
}

const TRUE_FALSE = ['true', 'false'];
const EQUALS_ONLY: FieldRule = { operators: ['Equals'] };
const READ_ONLY: FieldRule = { operators: ['Equals'], values: TRUE_FALSE };

/** Fields each trail event category accepts (reference §6.3 table). */
const FIELD_RULES: Readonly<Record<Category, Readonly<Record<string, FieldRule>>>> = {
  Management: {
    eventCategory: EQUALS_ONLY,
    readOnly: READ_ONLY,
    eventSource: { operators: ['NotEquals'], values: EXCLUDABLE_SOURCES },
  },
  Data: {
    eventCategory: EQUALS_ONLY,
    'resources.type': { operators: ['Equals'], values: DATA_RESOURCE_TYPES.map((t) => t.type) },
    readOnly: READ_ONLY,
    eventName: {},
    'resources.ARN': {},
    eventSource: {},
    eventType: {},
    sessionCredentialFromConsole: { operators: ['Equals', 'NotEquals'], values: TRUE_FALSE },
    'userIdentity.arn': {},
  },
  NetworkActivity: {
    eventCategory: EQUALS_ONLY,
    eventSource: { operators: ['Equals'], values: NETWORK_ACTIVITY_SOURCES },
    eventName: {},
    errorCode: { operators: ['Equals'], values: ['VpceAccessDenied'] },
    vpcEndpointId: {},
  },
};

/** Fields a selector of the category must carry exactly once, with exactly one Equals value. */
const REQUIRED_SINGLE: Readonly<Record<Category, readonly string[]>> = {
  Management: ['eventCategory'],
  Data: ['eventCategory', 'resources.type'],
  NetworkActivity: ['eventCategory', 'eventSource'],
};

function validateAdvanced(selectors: AdvancedEventSelector[]): AdvancedEventSelector[] {
  if (selectors.length === 0) throw invalid('AdvancedEventSelectors must contain at least one selector.');
  const out = selectors.map(normalizeAdvanced);
  const all = out.flatMap((s) => s.FieldSelectors);
  const total = all.reduce((n, f) => n + OPERATORS.reduce((m, op) => m + (f[op]?.length ?? 0), 0), 0);
  if (total > MAX_ADVANCED_VALUES) {
    throw invalid(`AdvancedEventSelectors can contain at most ${MAX_ADVANCED_VALUES} condition values in total; ${total} were given.`);
  }
  const arnValues = all.filter((f) => f.Field === 'resources.ARN').reduce((n, f) => n + valuesOf(f).length, 0);
  if (arnValues > MAX_DATA_RESOURCE_VALUES) {
    throw invalid(`AdvancedEventSelectors can contain at most ${MAX_DATA_RESOURCE_VALUES} resources.ARN values in total; ${arnValues} were given.`);
  }
  return out;
}

function valuesOf(f: AdvancedFieldSelector): string[] {
  return OPERATORS.flatMap((op) => f[op] ?? []);
}

function categoryOf(s: AdvancedEventSelector, where: string): Category {
  const fields = s.FieldSelectors.filter((f) => f.Field === 'eventCategory');
  const value = fields.length === 1 && fields[0]?.Equals?.length === 1 ? fields[0].Equals[0] : undefined;
  if (value === undefined || !Object.hasOwn(FIELD_RULES, value)) {
    throw invalid(`${where} must have exactly one eventCategory field selector with Equals set to one of ${list(Object.keys(FIELD_RULES))}.`);
  }
  return value as Category;
}

function normalizeAdvanced(s: AdvancedEventSelector, index: number): AdvancedEventSelector {
  const where = `AdvancedEventSelectors[${index}]${s.Name ? ` (${s.Name})` : ''}`;
  if (!s.FieldSelectors?.length) throw invalid(`${where} must contain at least one field selector.`);
  const category = categoryOf(s, where);
  for (const field of REQUIRED_SINGLE[category]) {
    const found = s.FieldSelectors.filter((f) => f.Field === field);
    if (found.length !== 1 || found[0]?.Equals?.length !== 1) {
      throw invalid(`${where}: a ${category} selector must have exactly one ${field} field selector with exactly one Equals value.`);
    }
  }
  const resourceType = s.FieldSelectors.find((f) => f.Field === 'resources.type')?.Equals?.[0];
  const fields = s.FieldSelectors.map((f) => normalizeField(f, category, resourceType, where));
  return s.Name === undefined ? { FieldSelectors: fields } : { Name: s.Name, FieldSelectors: fields };
}

function normalizeField(
  f: AdvancedFieldSelector,
  category: Category,
  resourceType: string | undefined,
  where: string,
): AdvancedFieldSelector {
  const rules = FIELD_RULES[category];
  const rule = Object.hasOwn(rules, f.Field) ? rules[f.Field] : undefined;
  if (!rule) {
    throw invalid(
      `${where}: field ${f.Field} is not supported for eventCategory ${category}. Supported fields: ${list(Object.keys(FIELD_RULES[category]))}.`,
    );
  }
  const out: AdvancedFieldSelector = { Field: f.Field };
  for (const op of OPERATORS) {
    const values = f[op];
    if (values === undefined) continue;
    if (values.length === 0) throw invalid(`${where}: ${op} for field ${f.Field} must contain at least one value.`);
    if (rule.operators && !rule.operators.includes(op)) {
      throw invalid(`${where}: field ${f.Field} supports only the ${list(rule.operators)} operator(s), not ${op}.`);
    }
    for (const v of values) checkValue(f.Field, op, v, rule, resourceType, where);
    out[op] = [...values];
  }
  if (valuesOf(out).length === 0) throw invalid(`${where}: field selector ${f.Field} must have at least one operator with values.`);
  return out;
}

function checkValue(field: string, op: Operator, v: string, rule: FieldRule, resourceType: string | undefined, where: string): void {
  if (v.length === 0) throw invalid(`${where}: ${op} values for field ${field} must not be empty.`);
  if (rule.values && !rule.values.includes(v)) {
    throw invalid(`${where}: value ${v} for field ${field} is invalid. Valid values are ${list(rule.values)}.`);
  }
  if (field === 'resources.ARN' && (op === 'Equals' || op === 'NotEquals')) {
    const t = dataResourceType(resourceType ?? '');
    if (t && !t.arn.test(v)) {
      throw invalid(`${where}: value ${v} for field resources.ARN is invalid: ${op} needs a full ARN of resource type ${t.type}; use StartsWith for prefixes.`);
    }
  }
}
