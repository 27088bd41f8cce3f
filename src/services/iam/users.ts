/** IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser. */
import type { QueryOperation } from '../../aws/query-service.js';
import type { OperationContext } from '../../aws/service.js';
import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  UpdateUserRequest,
  User,
} from './generated/model.js';
import { IamErrors } from '../../identity/iam-errors.js';
import { DEFAULT_PATH, type Empty, iamResources, onUser, paginate, stage, targetUser, userArnFor, userNameOf, userView } from './views.js';

export const createUserOperation: QueryOperation<CreateUserRequest, CreateUserResponse> = {
  async handler(input, ctx) {
    if (input.PermissionsBoundary !== undefined) throw IamErrors.noSuchBoundary(input.PermissionsBoundary);
    const { user, staged } = ctx.services.iam.createUser({
      accountId: ctx.accountId,
      userName: input.UserName,
      path: input.Path ?? DEFAULT_PATH,
      createdAt: ctx.services.clock.now(),
      tags: input.Tags ?? [],
    });
    stage(ctx, staged);
    return { User: userView(user, true) };
  },
  access: (input, ctx) => ({ action: 'iam:CreateUser', resource: userArnFor(ctx, input.UserName, input.Path) }),
  resources: (input) => iamResources('user', input.UserName),
};

/**
 * The root user, as GetUser answers it without a UserName: its id is the account id and it has
 * neither name nor path (the model marks them required; AWS leaves them out).
 */
function rootUser(ctx: OperationContext): User {
  const account = ctx.services.identity.getAccount(ctx.accountId);
  const root = { UserId: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root`, CreateDate: new Date(account?.createdAt ?? 0) };
  return root as User;
}

export const getUserOperation: QueryOperation<GetUserRequest, GetUserResponse> = {
  async handler(input, ctx) {
    if (input.UserName === undefined && ctx.principal.type === 'Root') return { User: rootUser(ctx) };
    return { User: userView(targetUser(ctx, input.UserName), true) };
  },
  access: onUser('GetUser'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName)),
};

export const listUsersOperation: QueryOperation<ListUsersRequest, ListUsersResponse> = {
  async handler(input, ctx) {
    const users = ctx.services.iam.listUsers(ctx.accountId, input.PathPrefix);
    const page = paginate(users, (u) => u.userName.toLowerCase(), input.Marker, input.MaxItems);
    return { Users: page.items.map((u) => userView(u)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
};

export const updateUserOperation: QueryOperation<UpdateUserRequest, Empty> = {
  async handler(input, ctx) {
    const change = {
      ...(input.NewUserName !== undefined ? { newUserName: input.NewUserName } : {}),
      ...(input.NewPath !== undefined ? { newPath: input.NewPath } : {}),
    };
    stage(ctx, ctx.services.iam.updateUser(ctx.accountId, input.UserName, change));
    return {};
  },
  access: onUser('UpdateUser'),
  resources: (input) => iamResources('user', input.UserName),
};

export const deleteUserOperation: QueryOperation<DeleteUserRequest, Empty> = {
  async handler(input, ctx) {
    stage(ctx, ctx.services.iam.deleteUser(ctx.accountId, input.UserName));
    return {};
  },
  access: onUser('DeleteUser'),
  resources: (input) => iamResources('user', input.UserName),
};
