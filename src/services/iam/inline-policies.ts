/**
 * Inline policies of users and roles: Put/Get/List/DeleteUserPolicy and the Role twins, built by
 * one factory since they differ only in the owner they name (`UserName` or `RoleName`).
 * Documents are stored as sent and answered URL-encoded, as AWS does.
 */
import type { QueryOperation } from '../../aws/query-service.js';
import type { OperationContext } from '../../aws/service.js';
import type {
  DeleteRolePolicyRequest,
  DeleteUserPolicyRequest,
  GetRolePolicyRequest,
  GetRolePolicyResponse,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListRolePoliciesRequest,
  ListRolePoliciesResponse,
  ListUserPoliciesRequest,
  ListUserPoliciesResponse,
  PutRolePolicyRequest,
  PutUserPolicyRequest,
} from './generated/model.js';
import { IamErrors, type EntityKind } from '../../identity/iam-errors.js';
import { type Empty, encodePolicy, iamResources, paginate, roleArnFor, stage, userArnFor } from './views.js';

interface OwnerKind<K extends 'UserName' | 'RoleName'> {
  kind: EntityKind;
  key: K;
  /** The owner's id (inline policies are stored by it) and stored name, or NoSuchEntity. */
  find(ctx: OperationContext, name: string): { id: string; name: string };
  arnOf(ctx: OperationContext, name: string): string;
  /** `User` or `Role`, as in the operation names. */
  noun: string;
}

const USER: OwnerKind<'UserName'> = {
  kind: 'user',
  key: 'UserName',
  find: (ctx, name) => {
    const user = ctx.services.iam.requireUser(ctx.accountId, name);
    return { id: user.userId, name: user.userName };
  },
  arnOf: (ctx, name) => userArnFor(ctx, name),
  noun: 'User',
};

const ROLE: OwnerKind<'RoleName'> = {
  kind: 'role',
  key: 'RoleName',
  find: (ctx, name) => {
    const role = ctx.services.iam.requireRole(ctx.accountId, name);
    return { id: role.roleId, name: role.roleName };
  },
  arnOf: (ctx, name) => roleArnFor(ctx, name),
  noun: 'Role',
};

type Named<K extends string> = { [P in K]: string };

function inlinePolicyOperations<K extends 'UserName' | 'RoleName'>(owner: OwnerKind<K>) {
  const access = (op: string) => (input: Named<K>, ctx: OperationContext) => ({
    action: `iam:${op}${owner.noun}Polic${op === 'List' ? 'ies' : 'y'}`,
    resource: owner.arnOf(ctx, input[owner.key]),
  });
  const resources = (input: Named<K>) => iamResources(owner.kind, input[owner.key]);

  const put: QueryOperation<Named<K> & { PolicyName: string; PolicyDocument: string }, Empty> = {
    async handler(input, ctx) {
      const { id } = owner.find(ctx, input[owner.key]);
      stage(ctx, ctx.services.iam.putPolicy(id, input.PolicyName, input.PolicyDocument));
      return {};
    },
    access: access('Put'),
    resources,
  };

  const get: QueryOperation<Named<K> & { PolicyName: string }, Named<K> & { PolicyName: string; PolicyDocument: string }> = {
    async handler(input, ctx) {
      const { id, name } = owner.find(ctx, input[owner.key]);
      const document = ctx.services.iam.policyDocument(id, input.PolicyName);
      if (document === undefined) throw IamErrors.noSuchPolicy(owner.kind, input.PolicyName);
      return { [owner.key]: name, PolicyName: input.PolicyName, PolicyDocument: encodePolicy(document) } as Named<K> & {
        PolicyName: string;
        PolicyDocument: string;
      };
    },
    access: access('Get'),
    resources,
  };

  const list: QueryOperation<Named<K> & { Marker?: string; MaxItems?: number }, ListUserPoliciesResponse> = {
    async handler(input, ctx) {
      const names = ctx.services.iam.policyNames(owner.find(ctx, input[owner.key]).id);
      const page = paginate(names, (n) => n, input.Marker, input.MaxItems);
      return { PolicyNames: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },
    access: access('List'),
    resources,
  };

  const remove: QueryOperation<Named<K> & { PolicyName: string }, Empty> = {
    async handler(input, ctx) {
      const staged = ctx.services.iam.deletePolicy(owner.find(ctx, input[owner.key]).id, input.PolicyName);
      if (!staged) throw IamErrors.noSuchPolicy(owner.kind, input.PolicyName);
      stage(ctx, staged);
      return {};
    },
    access: access('Delete'),
    resources,
  };

  return { put, get, list, remove };
}

const user = inlinePolicyOperations(USER);
const role = inlinePolicyOperations(ROLE);

export const putUserPolicyOperation: QueryOperation<PutUserPolicyRequest, Empty> = user.put;
export const getUserPolicyOperation: QueryOperation<GetUserPolicyRequest, GetUserPolicyResponse> = user.get;
export const listUserPoliciesOperation: QueryOperation<ListUserPoliciesRequest, ListUserPoliciesResponse> = user.list;
export const deleteUserPolicyOperation: QueryOperation<DeleteUserPolicyRequest, Empty> = user.remove;
export const putRolePolicyOperation: QueryOperation<PutRolePolicyRequest, Empty> = role.put;
export const getRolePolicyOperation: QueryOperation<GetRolePolicyRequest, GetRolePolicyResponse> = role.get;
export const listRolePoliciesOperation: QueryOperation<ListRolePoliciesRequest, ListRolePoliciesResponse> = role.list;
export const deleteRolePolicyOperation: QueryOperation<DeleteRolePolicyRequest, Empty> = role.remove;
