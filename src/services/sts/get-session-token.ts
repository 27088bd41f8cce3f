/**
 * GetSessionToken: temporary credentials for an IAM user or the root user, recorded as that
 * user's own calls (with the ASIA… key and `sessionContext.attributes`). Needs no permission in
 * AWS; refused with session credentials. OpenTrail has no MFA devices, so a code never verifies.
 */
import type { Principal } from '../../aws/principal.js';
import type { QueryOperation } from '../../aws/query-service.js';
import { StsErrors } from './errors.js';
import { credentialsOutput, issueSession, recordedCredentials } from './credentials.js';
import type { GetSessionTokenRequest, GetSessionTokenResponse } from './generated/model.js';

const DEFAULT_DURATION_SECONDS = 43_200;
/** AWS shortens a root session to an hour rather than refusing a longer one. */
const ROOT_MAX_DURATION_SECONDS = 3_600;

export const getSessionTokenOperation: QueryOperation<GetSessionTokenRequest, GetSessionTokenResponse> = {
  // It creates credentials: recorded as a write, with its responseElements (reference §11.3 aside).
  readOnly: false,
  // Always allowed by the authorizer: in AWS no policy can grant or deny it.
  access: () => ({ action: 'sts:GetSessionToken', resource: '*' }),
  async handler(input, ctx) {
    const caller = ctx.principal;
    if (caller.type === 'AssumedRole' || caller.session) throw StsErrors.sessionCredentials();
    if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
      throw StsErrors.mfaFailed();
    }
    const requested = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
    const duration = caller.type === 'Root' ? Math.min(requested, ROOT_MAX_DURATION_SECONDS) : requested;
    const now = ctx.services.clock.now();
    const session = (accessKeyId: string): Principal => ({
      ...caller,
      accessKeyId,
      session: { createdAt: now, mfaAuthenticated: false },
    });
    return { Credentials: credentialsOutput(issueSession(ctx, session, duration)) };
  },
  responseElements: (output) => (output.Credentials ? { credentials: recordedCredentials(output.Credentials) } : null),
};
