/**
 * AssumeRole: temporary credentials for a role whose trust policy lets the caller in (trust.ts).
 * An unknown role is refused exactly like an untrusted one. Sessions last DurationSeconds (900 up
 * to the role's MaxSessionDuration, default an hour; at most an hour when a role session assumes
 * another role). Calls made with the credentials are recorded as AssumedRole with the role as
 * session issuer. Deleting the role later does not end its sessions (neither does AWS).
 */
import { AwsError } from '../../aws/errors.js';
import type { AssumedRolePrincipal } from '../../aws/principal.js';
import type { QueryOperation } from '../../aws/query-service.js';
import type { OperationContext } from '../../aws/service.js';
import { roleArn } from '../../identity/iam-directory.js';
import { globalContext } from '../../policy/authorize.js';
import { principalArn } from '../../aws/principal.js';
import type { ContextValue } from '../../policy/evaluate.js';
import { StsErrors } from './errors.js';
import { credentialsOutput, issueSession, recordedCredentials } from './credentials.js';
import type { AssumeRoleRequest, AssumeRoleResponse } from './generated/model.js';
import { ASSUME_ROLE, identityDenies, trustOutcome, type TrustQuestion } from './trust.js';

const DEFAULT_DURATION_SECONDS = 3_600;
const CHAINED_MAX_DURATION_SECONDS = 3_600;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]+$/;

/** The condition keys STS adds to an AssumeRole request. */
function stsKeys(input: AssumeRoleRequest): Record<string, ContextValue> {
  return {
    'sts:RoleSessionName': input.RoleSessionName,
    ...(input.ExternalId !== undefined ? { 'sts:ExternalId': input.ExternalId } : {}),
  };
}

/**
 * The request's condition keys for the trust policy. The handler does not see the connection, so
 * `aws:SourceIp` and `aws:SecureTransport` are left absent rather than guessed (conditions on
 * them then fail closed).
 */
function conditionKeys(ctx: OperationContext, input: AssumeRoleRequest): Record<string, ContextValue> {
  const keys = globalContext(ctx.principal, { sourceIp: '', secureTransport: false, region: ctx.region, nowMs: ctx.services.clock.now() });
  delete keys['aws:SourceIp'];
  delete keys['aws:SecureTransport'];
  return { ...keys, ...stsKeys(input) };
}

/** Refuses the call unless the caller may assume the role; every refusal reads the same. */
async function checkTrust(ctx: OperationContext, q: TrustQuestion, denied: AwsError): Promise<void> {
  switch (trustOutcome(q)) {
    case 'denied':
      throw denied;
    case 'trusted':
      if (identityDenies(ctx.services.iam.identityPolicies(q.caller), q)) throw denied;
      return;
    case 'delegated':
      try {
        await ctx.authorize({ action: ASSUME_ROLE, resource: q.roleArn, context: q.context });
      } catch (e) {
        throw e instanceof AwsError && e.code === denied.code ? denied : e;
      }
  }
}

function durationSeconds(input: AssumeRoleRequest, ctx: OperationContext, roleMax: number): number {
  const requested = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (ctx.principal.type === 'AssumedRole' && requested > CHAINED_MAX_DURATION_SECONDS) throw StsErrors.durationOverChainLimit();
  if (requested > roleMax) throw StsErrors.durationOverRoleMax();
  return requested;
}

export const assumeRoleOperation: QueryOperation<AssumeRoleRequest, AssumeRoleResponse> = {
  // The handler decides with the trust policy and, where AWS requires it, the identity policies.
  access: () => null,
  async handler(input, ctx) {
    const caller = ctx.principal;
    if (caller.type === 'Root') throw StsErrors.rootCannotAssumeRoles();
    const denied = StsErrors.assumeRoleDenied(principalArn(caller), input.RoleArn);
    const role = ctx.services.iam.roleByArn(input.RoleArn);
    if (!role) throw denied;
    const context = conditionKeys(ctx, input);
    const question = { trustPolicy: role.trust, caller, roleArn: roleArn(role), roleAccountId: role.accountId, context };
    await checkTrust(ctx, question, denied);
    const duration = durationSeconds(input, ctx, role.maxSessionDuration);
    const now = ctx.services.clock.now();
    const session = (accessKeyId: string): AssumedRolePrincipal => ({
      type: 'AssumedRole',
      accountId: role.accountId,
      accessKeyId,
      roleId: role.roleId,
      roleName: role.roleName,
      rolePath: role.path,
      sessionName: input.RoleSessionName,
      sessionCreatedAt: now,
      mfaAuthenticated: false,
    });
    const credential = issueSession(ctx, session, duration);
    return {
      Credentials: credentialsOutput(credential),
      AssumedRoleUser: {
        AssumedRoleId: `${role.roleId}:${input.RoleSessionName}`,
        Arn: principalArn(credential.principal),
      },
    };
  },
  responseElements: (output) => ({
    ...(output.Credentials ? { credentials: recordedCredentials(output.Credentials) } : {}),
    ...(output.AssumedRoleUser
      ? { assumedRoleUser: { assumedRoleId: output.AssumedRoleUser.AssumedRoleId, arn: output.AssumedRoleUser.Arn } }
      : {}),
  }),
  resources(input, output) {
    const account = ROLE_ARN.exec(input.RoleArn)?.[1];
    if (account === undefined) return { resources: [], lookup: [] };
    const lookup = [{ type: 'AWS::IAM::Role', name: input.RoleArn }];
    if (output?.Credentials) lookup.push({ type: 'AWS::IAM::AccessKey', name: output.Credentials.AccessKeyId });
    if (output?.AssumedRoleUser) lookup.push({ type: 'AWS::STS::AssumedRole', name: output.AssumedRoleUser.AssumedRoleId });
    return { resources: [{ ARN: input.RoleArn, accountId: account, type: 'AWS::IAM::Role' }], lookup };
  },
};
