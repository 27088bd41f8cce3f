/** IAM roles and their trust policies: CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy. */
import type { QueryOperation } from '../../aws/query-service.js';
import { DEFAULT_MAX_SESSION_DURATION } from '../../identity/iam-directory.js';
import type {
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRoleRequest,
  GetRoleRequest,
  GetRoleResponse,
  ListRolesRequest,
  ListRolesResponse,
  UpdateAssumeRolePolicyRequest,
} from './generated/model.js';
import { IamErrors } from '../../identity/iam-errors.js';
import { DEFAULT_PATH, type Empty, iamResources, onRole, paginate, roleArnFor, roleView, stage } from './views.js';

export const createRoleOperation: QueryOperation<CreateRoleRequest, CreateRoleResponse> = {
  async handler(input, ctx) {
    if (input.PermissionsBoundary !== undefined) throw IamErrors.noSuchBoundary(input.PermissionsBoundary);
    const { role, staged } = ctx.services.iam.createRole({
      accountId: ctx.accountId,
      roleName: input.RoleName,
      path: input.Path ?? DEFAULT_PATH,
      trustPolicy: input.AssumeRolePolicyDocument,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      createdAt: ctx.services.clock.now(),
      tags: input.Tags ?? [],
    });
    stage(ctx, staged);
    return { Role: roleView(role, true) };
  },
  access: (input, ctx) => ({ action: 'iam:CreateRole', resource: roleArnFor(ctx, input.RoleName, input.Path) }),
  resources: (input) => iamResources('role', input.RoleName),
};

export const getRoleOperation: QueryOperation<GetRoleRequest, GetRoleResponse> = {
  async handler(input, ctx) {
    return { Role: roleView(ctx.services.iam.requireRole(ctx.accountId, input.RoleName), true) };
  },
  access: onRole('GetRole'),
  resources: (input) => iamResources('role', input.RoleName),
};

export const listRolesOperation: QueryOperation<ListRolesRequest, ListRolesResponse> = {
  async handler(input, ctx) {
    const roles = ctx.services.iam.listRoles(ctx.accountId, input.PathPrefix);
    const page = paginate(roles, (r) => r.roleName.toLowerCase(), input.Marker, input.MaxItems);
    return { Roles: page.items.map((r) => roleView(r)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
};

export const deleteRoleOperation: QueryOperation<DeleteRoleRequest, Empty> = {
  async handler(input, ctx) {
    stage(ctx, ctx.services.iam.deleteRole(ctx.accountId, input.RoleName));
    return {};
  },
  access: onRole('DeleteRole'),
  resources: (input) => iamResources('role', input.RoleName),
};

export const updateAssumeRolePolicyOperation: QueryOperation<UpdateAssumeRolePolicyRequest, Empty> = {
  async handler(input, ctx) {
    stage(ctx, ctx.services.iam.updateTrustPolicy(ctx.accountId, input.RoleName, input.PolicyDocument));
    return {};
  },
  access: onRole('UpdateAssumeRolePolicy'),
  resources: (input) => iamResources('role', input.RoleName),
};
