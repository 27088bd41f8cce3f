/**
 * Issuing temporary credentials from a handler: the session store makes them usable at once and
 * the call stages their row, so they exist exactly when the call's event does (DESIGN
 * invariant 1). Also the form the credentials take in a record: AWS records the access key id
 * and expiry; the secret never, and (unlike AWS) neither the session token, since OpenTrail's
 * records hold no secret.
 */
import type { Principal } from '../../aws/principal.js';
import type { OperationContext } from '../../aws/service.js';
import { formatRecordTimestamp } from '../../aws/shapes-record.js';
import type { SessionCredential } from '../../identity/sessions.js';
import type { Credentials } from './generated/model.js';

export function issueSession(
  ctx: OperationContext,
  principal: (accessKeyId: string) => Principal,
  durationSeconds: number,
): SessionCredential {
  const { credential, staged } = ctx.services.sessions.issue({ principal, now: ctx.services.clock.now(), durationSeconds });
  ctx.stage(staged.changes, staged.rollback);
  return credential;
}

export function credentialsOutput(c: SessionCredential): Credentials {
  return {
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    SessionToken: c.sessionToken,
    Expiration: new Date(c.expiresAt),
  };
}

/** `responseElements.credentials` of a record. */
export function recordedCredentials(c: Credentials): Record<string, unknown> {
  return { accessKeyId: c.AccessKeyId, expiration: formatRecordTimestamp(c.Expiration) };
}
