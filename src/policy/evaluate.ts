/**
 * Evaluation of one parsed policy against one request: a statement applies when its principal,
 * action, resource and every condition match; an applicable Deny wins over any Allow; no
 * applicable statement is 'NotApplicable' (an implicit deny the caller combines with other
 * policies). Policy variables (`${aws:username}`) in Resource, NotResource and condition values
 * are replaced by the request's value for the key in version 2012-10-17 documents; a variable
 * whose key has no single value makes that pattern match nothing, as in IAM.
 */
import { evaluateCondition, type ContextValue } from './conditions.js';
import type { PolicyDocument, PolicyStatement, Principals } from './document.js';
import { wildcardMatch } from './wildcard.js';

export type { ContextValue } from './conditions.js';

export interface PolicyRequest {
  /**
   * Who calls; undefined for an anonymous caller. `aws` lists every identity the caller counts
   * as: its own ARN and, so that account principals match, `arn:aws:iam::<account>:root`.
   */
  principal?: { service?: string; aws?: string[] };
  /** e.g. `s3:PutObject` (compared case-insensitively). */
  action: string;
  /** ARN of the resource (compared case-sensitively). */
  resource: string;
  /** Condition keys (any case) and their values; undefined means the key is absent. */
  context: Record<string, ContextValue>;
}

export type PolicyDecision = 'Allow' | 'Deny' | 'NotApplicable';

export function evaluatePolicy(doc: PolicyDocument, req: PolicyRequest): PolicyDecision {
  const context = new Map<string, ContextValue>();
  for (const [k, v] of Object.entries(req.context)) context.set(k.toLowerCase(), v);
  // The 2008 language predates variables: `${...}` there is literal text.
  const expand = doc.version === '2012-10-17' ? (p: string) => expandVariables(p, context) : (p: string) => p;
  let allowed = false;
  for (const s of doc.statements) {
    if (!applies(s, req, context, expand)) continue;
    if (s.effect === 'Deny') return 'Deny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'NotApplicable';
}

/** `${key}` replaced by the key's value; undefined when a key has no single value. */
function expandVariables(pattern: string, context: ReadonlyMap<string, ContextValue>): string | undefined {
  if (!pattern.includes('${')) return pattern;
  let missing = false;
  const out = pattern.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const value = context.get(key.trim().toLowerCase());
    if (typeof value === 'string') return value;
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}

type Expand = (pattern: string) => string | undefined;

function applies(s: PolicyStatement, req: PolicyRequest, context: ReadonlyMap<string, ContextValue>, expand: Expand): boolean {
  if (s.principal && !principalIn(s.principal, req.principal)) return false;
  if (s.notPrincipal && principalIn(s.notPrincipal, req.principal)) return false;
  if (!listMatches(s.action, s.notAction, (p) => wildcardMatch(p, req.action, true))) return false;
  const resourceMatches = (p: string) => {
    const expanded = expand(p);
    return expanded !== undefined && wildcardMatch(expanded, req.resource);
  };
  if (!listMatches(s.resource, s.notResource, resourceMatches)) return false;
  return s.conditions.every((c) => {
    const values = c.values.map(expand).filter((v): v is string => v !== undefined);
    return evaluateCondition(c.operator, context.get(c.key.toLowerCase()), values);
  });
}

/** Element/NotElement pair: any pattern of the element matches, or none of the Not element. */
function listMatches(patterns: string[] | undefined, notPatterns: string[] | undefined, test: (p: string) => boolean): boolean {
  if (patterns) return patterns.some(test);
  return notPatterns ? !notPatterns.some(test) : false;
}

/** A bare 12-digit account id in a policy means the account's root principal. */
function normalizeAws(id: string): string {
  return /^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : id;
}

function principalIn(p: Principals, who: PolicyRequest['principal']): boolean {
  if (p === '*' || p.AWS?.includes('*')) return true;
  if (who?.service !== undefined && p.Service?.includes(who.service)) return true;
  const callerIds = new Set((who?.aws ?? []).map(normalizeAws));
  return (p.AWS ?? []).some((id) => callerIds.has(normalizeAws(id)));
}
