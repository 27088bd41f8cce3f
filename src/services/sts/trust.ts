/**
 * Whether a caller may assume a role, as IAM decides it: the role's trust policy must allow
 * `sts:AssumeRole` for the caller, and an explicit Deny anywhere wins. A trust policy that names
 * the caller itself (its ARN, or for a role session the role's ARN) is enough within the role's
 * account; one that only names the caller's account (`arn:aws:iam::<acct>:root` or the bare id),
 * or any trust across accounts, delegates to the caller's identity policies, which must allow
 * `sts:AssumeRole` on the role too. Pure: the handler gathers the policies.
 */
import type { Principal } from '../../aws/principal.js';
import { accountRootArn, issuerRoleArn, principalArn } from '../../aws/principal.js';
import type { PolicyDocument } from '../../policy/document.js';
import { evaluatePolicy, type ContextValue, type PolicyRequest } from '../../policy/evaluate.js';

export const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * `trusted`: allowed unless an identity policy explicitly denies it; `delegated`: allowed only if
 * the caller's identity policies allow it; `denied`: refused whatever they say.
 */
export type TrustOutcome = 'trusted' | 'delegated' | 'denied';

export interface TrustQuestion {
  trustPolicy: PolicyDocument;
  caller: Principal;
  roleArn: string;
  roleAccountId: string;
  /** Condition keys of the request (global ones and `sts:*`). */
  context: Record<string, ContextValue>;
}

/** The ARNs a trust policy may name to mean this caller itself. */
function callerIds(p: Principal): string[] {
  return p.type === 'AssumedRole' ? [principalArn(p), issuerRoleArn(p)] : [principalArn(p)];
}

/** Trust policy statements have no Resource: each one is about the role that holds it. */
function aboutRole(doc: PolicyDocument, roleArn: string): PolicyDocument {
  const statements = doc.statements.map((s) => (s.resource || s.notResource ? s : { ...s, resource: [roleArn] }));
  return { ...doc, statements };
}

export function trustOutcome(q: TrustQuestion): TrustOutcome {
  const trust = aboutRole(q.trustPolicy, q.roleArn);
  const asked = (aws: string[]): PolicyRequest => ({ principal: { aws }, action: ASSUME_ROLE, resource: q.roleArn, context: q.context });
  const own = callerIds(q.caller);
  const broad = evaluatePolicy(trust, asked([...own, accountRootArn(q.caller.accountId)]));
  if (broad !== 'Allow') return 'denied';
  const named = evaluatePolicy(trust, asked(own)) === 'Allow';
  return named && q.caller.accountId === q.roleAccountId ? 'trusted' : 'delegated';
}

/** For a `trusted` outcome: whether one of the caller's identity policies explicitly denies it. */
export function identityDenies(policies: readonly PolicyDocument[], q: TrustQuestion): boolean {
  const request: PolicyRequest = { principal: { aws: callerIds(q.caller) }, action: ASSUME_ROLE, resource: q.roleArn, context: q.context };
  return policies.some((doc) => evaluatePolicy(doc, request) === 'Deny');
}
