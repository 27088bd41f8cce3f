/**
 * The authorization decision for one call, with IAM's evaluation logic inside one account: the
 * account's root user is allowed unless a resource policy explicitly denies it; anyone else needs
 * an Allow from an identity-based policy or from a resource-based policy (S3 bucket policy) that
 * names them, and any explicit Deny wins. Also the principal's ARNs and the global condition keys
 * (`aws:PrincipalArn`, `aws:SourceIp`, `aws:CurrentTime`, ...) every request carries, and AWS's
 * wording for a denial. Pure: reading policies is the Authorizer's business (authorizer.ts).
 */
import { accountRootArn, issuerRoleArn, principalArn, type Principal } from '../aws/principal.js';
import type { PolicyDocument } from './document.js';
import { evaluatePolicy, type ContextValue, type PolicyRequest } from './evaluate.js';

/** Where the caller's identity-based policies come from (the IAM directory). */
export interface IdentityPolicySource {
  identityPolicies(p: Principal): readonly PolicyDocument[];
}

/**
 * The ARNs a resource policy's `Principal` may name to mean this caller: its own ARN and, for a
 * role session, the role's. The account (`arn:aws:iam::<acct>:root`) is added only when `account`
 * is set: an Allow naming the account delegates to identity policies, a Deny naming it applies to
 * everyone in it.
 */
function principalIds(p: Principal, account: boolean): string[] {
  const ids = [principalArn(p)];
  if (p.type === 'AssumedRole') ids.push(issuerRoleArn(p));
  if (account && p.type !== 'Root') ids.push(accountRootArn(p.accountId));
  return ids;
}

/** Facts about the connection and time of a call, for the global condition keys. */
export interface CallFacts {
  sourceIp: string;
  secureTransport: boolean;
  /** The region the call was made in (`aws:RequestedRegion`). */
  region: string;
  nowMs: number;
}

/** `aws:PrincipalType`, `aws:userid`, `aws:username` and `aws:PrincipalArn` (a role, not its session). */
function principalKeys(p: Principal): Record<string, ContextValue> {
  switch (p.type) {
    case 'Root':
      return { 'aws:PrincipalType': 'Account', 'aws:userid': p.accountId, 'aws:PrincipalArn': accountRootArn(p.accountId) };
    case 'IAMUser':
      return { 'aws:PrincipalType': 'User', 'aws:userid': p.userId, 'aws:username': p.userName, 'aws:PrincipalArn': principalArn(p) };
    case 'AssumedRole':
      return { 'aws:PrincipalType': 'AssumedRole', 'aws:userid': `${p.roleId}:${p.sessionName}`, 'aws:PrincipalArn': issuerRoleArn(p) };
  }
}

/** The global condition keys IAM supplies for every request of this principal. */
export function globalContext(p: Principal, facts: CallFacts): Record<string, ContextValue> {
  return {
    ...principalKeys(p),
    'aws:PrincipalAccount': p.accountId,
    'aws:SourceIp': facts.sourceIp,
    'aws:SecureTransport': String(facts.secureTransport),
    'aws:RequestedRegion': facts.region,
    'aws:CurrentTime': new Date(facts.nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(facts.nowMs / 1000)),
  };
}

export interface DecisionInput {
  principal: Principal;
  action: string;
  resource: string;
  /** Every condition key of the request, global ones included. */
  context: Record<string, ContextValue>;
  identityPolicies: readonly PolicyDocument[];
  /** The resource's own policy (the bucket policy for S3), if it has one. */
  resourcePolicy?: PolicyDocument;
}

export type DenyReason = 'implicit' | 'identity-deny' | 'resource-deny';
export type Decision = { allowed: true } | { allowed: false; reason: DenyReason };

/**
 * Actions that need no permission (STS GetCallerIdentity and GetSessionToken: no policy grants
 * or denies them).
 */
const ALWAYS_ALLOWED = new Set(['sts:getcalleridentity', 'sts:getsessiontoken']);

export function decide(input: DecisionInput): Decision {
  const { principal: p, action, resource, context } = input;
  if (ALWAYS_ALLOWED.has(action.toLowerCase())) return { allowed: true };
  const asked = (aws: string[]): PolicyRequest => ({ principal: { aws }, action, resource, context });
  const broad = asked(principalIds(p, true));
  const resourceDenies = input.resourcePolicy !== undefined && evaluatePolicy(input.resourcePolicy, broad) === 'Deny';
  if (resourceDenies) return { allowed: false, reason: 'resource-deny' };
  if (p.type === 'Root') return { allowed: true };
  // Identity policies have no Principal element: they are evaluated for their holder only.
  const identity = input.identityPolicies.map((doc) => evaluatePolicy(doc, broad));
  if (identity.includes('Deny')) return { allowed: false, reason: 'identity-deny' };
  if (identity.includes('Allow')) return { allowed: true };
  // Its Deny statements were settled above, against the broad identity list.
  const grants = input.resourcePolicy && { ...input.resourcePolicy, statements: input.resourcePolicy.statements.filter((s) => s.effect === 'Allow') };
  const resourceAllows = grants !== undefined && evaluatePolicy(grants, asked(principalIds(p, false))) === 'Allow';
  return resourceAllows ? { allowed: true } : { allowed: false, reason: 'implicit' };
}

/** AWS's wording: who, what, on which resource (left out for `*`), and why. */
export function denialMessage(p: Principal, action: string, resource: string, reason: DenyReason): string {
  const on = resource === '*' ? '' : ` on resource: ${resource}`;
  const why = {
    implicit: `because no identity-based policy allows the ${action} action`,
    'identity-deny': 'with an explicit deny in an identity-based policy',
    'resource-deny': 'with an explicit deny in a resource-based policy',
  }[reason];
  return `User: ${principalArn(p)} is not authorized to perform: ${action}${on} ${why}`;
}
