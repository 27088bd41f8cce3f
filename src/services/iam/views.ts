/**
 * What the IAM operations share: entities as the model's output shapes, the user a call acts on
 * (named, or the calling IAM user), the ARN each call asks permission for, the resources it is
 * recorded and looked up under, and Marker/MaxItems paging.
 */
import type { ResourceRefs } from '../../aws/json-service.js';
import type { AccessRequest, OperationContext } from '../../aws/service.js';
import type { Staged } from '../../trails/registry.js';
import { roleArn, userArn, type IamRole, type IamUser } from '../../identity/iam-directory.js';
import { iamArn } from '../../aws/principal.js';
import { IamErrors, type EntityKind } from '../../identity/iam-errors.js';
import type { Role, User } from './generated/model.js';

/** The output of operations that answer nothing but success. */
export type Empty = Record<string, never>;

export const DEFAULT_PATH = '/';
const DEFAULT_MAX_ITEMS = 100;

export function stage(ctx: OperationContext, staged: Staged): void {
  ctx.stage(staged.changes, staged.rollback);
}

export function userView(u: IamUser, withTags = false): User {
  return {
    Path: u.path,
    UserName: u.userName,
    UserId: u.userId,
    Arn: userArn(u),
    CreateDate: new Date(u.createdAt),
    ...(withTags && u.tags.length > 0 ? { Tags: u.tags } : {}),
  };
}

/** Policy documents leave IAM URL-encoded (RFC 3986), as AWS's do; the CLI decodes them. */
export const encodePolicy = (document: string) => encodeURIComponent(document);

export function roleView(r: IamRole, withTags = false): Role {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: roleArn(r),
    CreateDate: new Date(r.createdAt),
    AssumeRolePolicyDocument: encodePolicy(r.trustPolicy),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    MaxSessionDuration: r.maxSessionDuration,
    ...(withTags && r.tags.length > 0 ? { Tags: r.tags } : {}),
  };
}

/**
 * The user a call acts on: the one named, or without a name the calling IAM user (AWS's rule for
 * GetUser, access keys and login profiles). Other callers must name one.
 */
export function targetUser(ctx: OperationContext, userName: string | undefined): IamUser {
  if (userName !== undefined) return ctx.services.iam.requireUser(ctx.accountId, userName);
  const p = ctx.principal;
  const self = p.type === 'IAMUser' ? ctx.services.iam.userById(p.userId) : undefined;
  if (self) return self;
  if (p.type === 'IAMUser') throw IamErrors.noSuchEntity('user', p.userName);
  throw IamErrors.validation('Must specify userName when calling with non-User credentials');
}

/** A user's ARN as policies name it: the stored user's, or with `path` when it does not exist yet. */
export function userArnFor(ctx: OperationContext, userName: string | undefined, path = DEFAULT_PATH): string {
  const p = ctx.principal;
  if (userName === undefined) return p.type === 'IAMUser' ? iamArn(p.accountId, 'user', p.path, p.userName) : '*';
  const user = ctx.services.iam.getUser(ctx.accountId, userName);
  return user ? userArn(user) : iamArn(ctx.accountId, 'user', path, userName);
}

export function roleArnFor(ctx: OperationContext, roleName: string, path = DEFAULT_PATH): string {
  const role = ctx.services.iam.getRole(ctx.accountId, roleName);
  return role ? roleArn(role) : iamArn(ctx.accountId, 'role', path, roleName);
}

/** `access()` for a call on one user (named by `UserName`, or the caller). */
export function onUser<I extends { UserName?: string }>(operation: string) {
  return (input: I, ctx: OperationContext): AccessRequest => ({
    action: `iam:${operation}`,
    resource: userArnFor(ctx, input.UserName),
  });
}

export function onRole<I extends { RoleName: string }>(operation: string) {
  return (input: I, ctx: OperationContext): AccessRequest => ({
    action: `iam:${operation}`,
    resource: roleArnFor(ctx, input.RoleName),
  });
}

const RESOURCE_TYPES: Record<EntityKind, string> = { user: 'AWS::IAM::User', role: 'AWS::IAM::Role' };

/** LookupEvents finds IAM calls by the user or role name (and access key id) they name. */
export function iamResources(kind: EntityKind, name: string | undefined, accessKeyId?: string): ResourceRefs {
  const lookup = [];
  if (name !== undefined) lookup.push({ type: RESOURCE_TYPES[kind], name });
  if (accessKeyId !== undefined) lookup.push({ type: 'AWS::IAM::AccessKey', name: accessKeyId });
  return { resources: [], lookup };
}

/** The user a call acted on for its resources: as named, or the calling IAM user's name. */
export function userNameOf(ctx: OperationContext, userName: string | undefined): string | undefined {
  return userName ?? (ctx.principal.type === 'IAMUser' ? ctx.principal.userName : undefined);
}

export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/**
 * One page of `items` (sorted by `keyOf`): the Marker is the next item's key, base64url-encoded
 * so it reads as opaque, as AWS's do.
 */
export function paginate<T>(items: T[], keyOf: (t: T) => string, marker: string | undefined, maxItems: number | undefined): Page<T> {
  const after = marker === undefined ? undefined : Buffer.from(marker, 'base64url').toString('utf8');
  const rest = after === undefined ? items : items.filter((t) => keyOf(t) >= after);
  const size = maxItems ?? DEFAULT_MAX_ITEMS;
  const next = rest[size];
  return {
    items: rest.slice(0, size),
    IsTruncated: next !== undefined,
    ...(next !== undefined ? { Marker: Buffer.from(keyOf(next), 'utf8').toString('base64url') } : {}),
  };
}
