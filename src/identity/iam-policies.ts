/**
 * The two kinds of policy document IAM stores: identity policies (inline user and role
 * policies: no Principal) and trust policies (a role's AssumeRolePolicyDocument: a Principal and
 * no Resource). Both are parsed by src/policy/document.ts; failures are MalformedPolicyDocument.
 */
import { parsePolicyDocument, type PolicyDocument } from '../policy/document.js';
import { IamErrors } from './iam-errors.js';

/** A document the parser accepted when it was stored but no longer does grants nothing. */
export const EMPTY_POLICY: PolicyDocument = { version: '2012-10-17', statements: [] };

export function parseIdentityPolicy(text: string): PolicyDocument {
  const parsed = parsePolicyDocument(text, { principal: 'forbidden' });
  if (!parsed.ok) throw IamErrors.malformedPolicy(parsed.message);
  return parsed.doc;
}

/**
 * A trust policy names who may assume the role and never a resource (AWS: "Has prohibited field
 * Resource"). The shared parser requires a resource, so each statement is parsed with `*` in its
 * place and the parsed statements carry none.
 */
export function parseTrustPolicy(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const statements = isObject(raw) ? raw.Statement : undefined;
  const list = Array.isArray(statements) ? statements : [statements];
  for (const s of list) {
    if (!isObject(s)) continue;
    for (const field of ['Resource', 'NotResource']) if (field in s) throw IamErrors.malformedPolicy(`Has prohibited field ${field}`);
  }
  const withResource =
    isObject(raw) && statements !== undefined
      ? JSON.stringify({ ...raw, Statement: list.map((s) => (isObject(s) ? { ...s, Resource: '*' } : s)) })
      : text;
  const parsed = parsePolicyDocument(withResource, { principal: 'required' });
  if (!parsed.ok) throw IamErrors.malformedPolicy(parsed.message);
  return { ...parsed.doc, statements: parsed.doc.statements.map(({ resource: _star, ...s }) => s) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
