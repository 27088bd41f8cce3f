/**
 * STS's errors as AWS words them (awsQuery codes: `AccessDenied`, `ValidationError`). Messages
 * name principals and roles, never a credential.
 */
import { AwsError, CommonErrors } from '../../aws/errors.js';

export const StsErrors = {
  /** AWS answers an unknown role exactly as an untrusted one, so roles cannot be probed. */
  assumeRoleDenied: (callerArn: string, roleArn: string) =>
    CommonErrors.accessDenied(`User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`),
  rootCannotAssumeRoles: () => CommonErrors.accessDenied('Roles may not be assumed by root accounts.'),
  sessionCredentials: () => CommonErrors.accessDenied('Cannot call GetSessionToken with session credentials'),
  /** OpenTrail has no MFA devices, so no code ever verifies. */
  mfaFailed: () => CommonErrors.accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code.'),
  validation: (message: string) => new AwsError('ValidationError', message),
  durationOverRoleMax: () =>
    StsErrors.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'),
  durationOverChainLimit: () =>
    StsErrors.validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'),
  /** As IAM answers operations of its model OpenTrail does not implement. */
  notImplemented: (operation: string) =>
    new AwsError('NotImplemented', `OpenTrail does not support the STS ${operation} operation yet.`, 501),
} as const;
