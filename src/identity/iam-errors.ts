/**
 * IAM's modeled errors with AWS's messages. Codes are the model's exception shape names
 * (`NoSuchEntityException`): CloudTrail records them so, and the awsQuery protocol answers the
 * wire code and status the model gives each (`NoSuchEntity`, 404). Entity kinds are named the
 * way AWS words each message.
 */
import { AwsError } from '../aws/errors.js';

export type EntityKind = 'user' | 'role';
const Capital: Record<EntityKind, string> = { user: 'User', role: 'Role' };

export const IamErrors = {
  noSuchEntity: (kind: EntityKind, name: string) =>
    new AwsError('NoSuchEntityException', `The ${kind} with name ${name} cannot be found.`, 404),
  /** OpenTrail has no managed policies, so no permissions boundary ARN names one. */
  noSuchBoundary: (arn: string) =>
    new AwsError('NoSuchEntityException', `Scope ARN: ${arn} does not exist or is not attachable.`, 404),
  noSuchPolicy: (kind: EntityKind, policyName: string) =>
    new AwsError('NoSuchEntityException', `The ${kind} policy with name ${policyName} cannot be found.`, 404),
  noSuchAccessKey: (accessKeyId: string) =>
    new AwsError('NoSuchEntityException', `The Access Key with id ${accessKeyId} cannot be found.`, 404),
  noSuchLoginProfile: (userName: string) =>
    new AwsError('NoSuchEntityException', `Login Profile for User ${userName} cannot be found.`, 404),
  noSuchAlias: (alias: string) => new AwsError('NoSuchEntityException', `The account alias ${alias} cannot be found.`, 404),
  alreadyExists: (kind: EntityKind, name: string) =>
    new AwsError('EntityAlreadyExistsException', `${Capital[kind]} with name ${name} already exists.`, 409),
  loginProfileExists: (userName: string) =>
    new AwsError('EntityAlreadyExistsException', `Login Profile for user ${userName} already exists.`, 409),
  aliasExists: (alias: string) => new AwsError('EntityAlreadyExistsException', `The account alias ${alias} already exists.`, 409),
  accessKeyQuota: () => new AwsError('LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2', 409),
  deleteConflict: (what: 'access keys' | 'policies' | 'login profile') =>
    new AwsError('DeleteConflictException', `Cannot delete entity, must delete ${what} first.`, 409),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicyDocumentException', message, 400),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  passwordTooShort: (minimum: number) =>
    new AwsError('PasswordPolicyViolationException', `Password should have a minimum length of ${minimum}`, 400),
  /** Not a modeled IAM error: 501 like the generic front end's NotImplemented. */
  notImplemented: (operation: string) =>
    new AwsError('NotImplemented', `OpenTrail does not support the IAM ${operation} operation yet.`, 501),
} as const;
