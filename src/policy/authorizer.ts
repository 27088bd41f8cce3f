/**
 * OperationContext.authorize for every protocol: gathers what one decision needs — the caller's
 * identity-based policies, the bucket's policy when an S3 request names a bucket, the global
 * condition keys of the call — decides (authorize.ts) and turns a denial into AccessDenied with
 * AWS's message. Bucket policies are read from the bucket store once per request (another node
 * may have changed them since the last one; DeleteObjects asks for each of its keys); only their
 * parsing is kept across requests, by text.
 */
import { CommonErrors } from '../aws/errors.js';
import type { Principal } from '../aws/principal.js';
import type { AccessRequest } from '../aws/service.js';
import type { Clock } from '../lib/clock.js';
import { bucketPolicyText, type ObjectStore } from '../objects/object-store.js';
import { decide, denialMessage, globalContext, type CallFacts, type IdentityPolicySource } from './authorize.js';
import { parsePolicyDocument, type PolicyDocument } from './document.js';

/** Distinct bucket policy texts whose parse is kept; a full cache is simply emptied. */
const MAX_CACHED_POLICIES = 256;

export interface AuthorizerDeps {
  identityPolicies: IdentityPolicySource;
  objects: Pick<ObjectStore, 'getBucketPolicy'>;
  clock: Clock;
}

export class Authorizer {
  private readonly parsed = new Map<string, PolicyDocument | undefined>();

  constructor(private readonly deps: AuthorizerDeps) {}

  /** The `authorize` of one call's context. */
  forCall(principal: Principal, facts: Omit<CallFacts, 'nowMs'>): (request: AccessRequest) => Promise<void> {
    const policies = new Map<string, Promise<PolicyDocument | undefined>>();
    const policyOf = (bucket: string) => {
      let policy = policies.get(bucket);
      if (!policy) policies.set(bucket, (policy = this.bucketPolicy(bucket)));
      return policy;
    };
    return async (request) => {
      const resourcePolicy = request.bucket === undefined ? undefined : await policyOf(request.bucket);
      const decision = decide({
        principal,
        action: request.action,
        resource: request.resource,
        context: { ...request.context, ...globalContext(principal, { ...facts, nowMs: this.deps.clock.now() }) },
        identityPolicies: principal.type === 'Root' ? [] : this.deps.identityPolicies.identityPolicies(principal),
        ...(resourcePolicy ? { resourcePolicy } : {}),
      });
      if (!decision.allowed) {
        throw CommonErrors.accessDenied(denialMessage(principal, request.action, request.resource, decision.reason));
      }
    };
  }

  private async bucketPolicy(bucket: string): Promise<PolicyDocument | undefined> {
    // No policy, or no bucket (yet): nothing but identity policies decides.
    const text = await bucketPolicyText(this.deps.objects, bucket, { missingBucket: 'none' });
    if (text === undefined) return undefined;
    if (this.parsed.has(text)) return this.parsed.get(text);
    // PutBucketPolicy stored only valid policies; one that no longer parses grants nothing.
    const result = parsePolicyDocument(text, { principal: 'required' });
    const doc = result.ok ? result.doc : undefined;
    if (this.parsed.size >= MAX_CACHED_POLICIES) this.parsed.clear();
    this.parsed.set(text, doc);
    return doc;
  }
}
