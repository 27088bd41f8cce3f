/**
 * Parsing of IAM policy-language documents (bucket policies now, IAM policies later) into a
 * normalized form: every list-or-scalar element becomes a list, condition values become strings.
 * Failures carry the messages S3 answers in MalformedPolicy, so the S3 service can return them.
 */
import { parseConditionOperator } from './conditions.js';

export const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];
/** `'*'` is everyone (also anonymous callers); otherwise the listed principals by type. */
export type Principals = '*' | Partial<Record<PrincipalType, string[]>>;

export interface PolicyCondition {
  /** e.g. `StringEquals`, `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** Condition key as written; keys compare case-insensitively. */
  key: string;
  values: string[];
}

export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: Principals;
  notPrincipal?: Principals;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: PolicyCondition[];
}

export interface PolicyDocument {
  version: '2012-10-17' | '2008-10-17';
  id?: string;
  statements: PolicyStatement[];
}

export interface ParseOptions {
  /** Resource policies (bucket policies) need a principal; identity policies must not have one. */
  principal?: 'required' | 'forbidden';
}

export type ParseResult = { ok: true; doc: PolicyDocument } | { ok: false; message: string };

class MalformedPolicy extends Error {}

const fail = (message: string): never => {
  throw new MalformedPolicy(message);
};

const SYNTAX = 'Invalid policy syntax.';
const VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17'];
const DOCUMENT_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const ACTION = /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+$/;
const RESOURCE = /^arn:(?:[^:]*:){4}.+$/;
const AWS_PRINCIPAL = /^(?:\*|\d{12}|arn:.+)$/;

export function parsePolicyDocument(text: string, options: ParseOptions = {}): ParseResult {
  try {
    return { ok: true, doc: parseDocument(text, options) };
  } catch (e) {
    if (e instanceof MalformedPolicy) return { ok: false, message: e.message };
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseDocument(text: string, options: ParseOptions): PolicyDocument {
  const notJson = "Policies must be valid JSON and the first byte must be '{'";
  if (!text.trimStart().startsWith('{')) fail(notJson);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(notJson);
  }
  if (!isObject(raw)) return fail(notJson);
  for (const k of Object.keys(raw)) if (!DOCUMENT_FIELDS.has(k)) fail(`Unknown field ${k}`);
  const version = raw.Version ?? '2008-10-17';
  if (typeof version !== 'string' || !VERSIONS.includes(version)) fail('The policy must contain a valid version string');
  if (raw.Id !== undefined && typeof raw.Id !== 'string') fail(SYNTAX);
  const list = Array.isArray(raw.Statement) ? raw.Statement : raw.Statement === undefined ? [] : [raw.Statement];
  if (list.length === 0) fail('Missing required field Statement');
  const doc: PolicyDocument = {
    version: version as PolicyDocument['version'],
    statements: list.map((s) => parseStatement(s, options)),
  };
  if (typeof raw.Id === 'string') doc.id = raw.Id;
  return doc;
}

function parseStatement(raw: unknown, options: ParseOptions): PolicyStatement {
  if (!isObject(raw)) return fail(SYNTAX);
  for (const k of Object.keys(raw)) if (!STATEMENT_FIELDS.has(k)) fail(`Unknown field ${k}`);
  if (raw.Effect === undefined) fail('Missing required field Effect');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') fail(`Invalid effect: ${String(raw.Effect)}`);
  const s: PolicyStatement = { effect: raw.Effect as PolicyStatement['effect'], conditions: parseConditions(raw.Condition) };
  if (raw.Sid !== undefined) s.sid = typeof raw.Sid === 'string' ? raw.Sid : fail(SYNTAX);
  parsePrincipal(raw, s, options);
  const actions = exclusive(raw, 'Action', 'NotAction', (v) => v === '*' || ACTION.test(v), 'Policy has invalid action');
  if (actions.key === 'Action') s.action = actions.values;
  else s.notAction = actions.values;
  const resources = exclusive(raw, 'Resource', 'NotResource', (v) => v === '*' || RESOURCE.test(v), 'Policy has invalid resource');
  if (resources.key === 'Resource') s.resource = resources.values;
  else s.notResource = resources.values;
  return s;
}

/** One of a required pair of mutually exclusive elements (Action/NotAction, Resource/NotResource). */
function exclusive<K extends string>(
  raw: Record<string, unknown>,
  key: K,
  notKey: K,
  valid: (v: string) => boolean,
  invalidMessage: string,
): { key: K; values: string[] } {
  if (raw[key] !== undefined && raw[notKey] !== undefined) fail(`Statement cannot contain both ${key} and ${notKey}`);
  const which = raw[key] !== undefined ? key : raw[notKey] !== undefined ? notKey : fail(`Missing required field ${key}`);
  const values = stringList(raw[which]);
  if (!values.every(valid)) fail(invalidMessage);
  return { key: which, values };
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return [...(v as string[])];
  return fail(SYNTAX);
}

function parsePrincipal(raw: Record<string, unknown>, s: PolicyStatement, options: ParseOptions): void {
  const given = raw.Principal !== undefined || raw.NotPrincipal !== undefined;
  if (options.principal === 'required' && !given) fail('Missing required field Principal');
  if (options.principal === 'forbidden' && given) fail('Policy document should not specify a principal.');
  if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) fail('Statement cannot contain both Principal and NotPrincipal');
  if (raw.Principal !== undefined) s.principal = principals(raw.Principal);
  if (raw.NotPrincipal !== undefined) s.notPrincipal = principals(raw.NotPrincipal);
}

function principals(v: unknown): Principals {
  const invalid = 'Invalid principal in policy';
  if (v === '*') return '*';
  if (!isObject(v) || Object.keys(v).length === 0) return fail(invalid);
  const out: Partial<Record<PrincipalType, string[]>> = {};
  for (const [type, value] of Object.entries(v)) {
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(type)) fail(invalid);
    const ids = typeof value === 'string' || Array.isArray(value) ? stringList(value) : fail(invalid);
    if (ids.some((id) => id === '' || (type === 'AWS' && !AWS_PRINCIPAL.test(id)))) fail(invalid);
    out[type as PrincipalType] = ids;
  }
  return out;
}

function parseConditions(raw: unknown): PolicyCondition[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) return fail(SYNTAX);
  const out: PolicyCondition[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    if (!parseConditionOperator(operator)) fail(`Invalid Condition type : ${operator}`);
    if (!isObject(block)) return fail(SYNTAX);
    for (const [key, value] of Object.entries(block)) out.push({ operator, key, values: conditionValues(value) });
  }
  return out;
}

/** "Quotation marks are optional for numeric and Boolean values." */
function conditionValues(v: unknown): string[] {
  const scalar = (x: unknown): string =>
    typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : fail(SYNTAX);
  if (Array.isArray(v)) return v.length > 0 ? v.map(scalar) : fail(SYNTAX);
  return [scalar(v)];
}
