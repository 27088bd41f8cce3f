/**
 * IAM users' access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.
 * Without a UserName they act on the calling IAM user. The secret is answered once, by
 * CreateAccessKey; its record leaves it out (the model marks it sensitive).
 */
import type { QueryOperation } from '../../aws/query-service.js';
import type {
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  UpdateAccessKeyRequest,
} from './generated/model.js';
import { IamErrors } from '../../identity/iam-errors.js';
import { type Empty, iamResources, onUser, paginate, stage, targetUser, userNameOf } from './views.js';

export const createAccessKeyOperation: QueryOperation<CreateAccessKeyRequest, CreateAccessKeyResponse> = {
  async handler(input, ctx) {
    const user = targetUser(ctx, input.UserName);
    const { key, staged } = ctx.services.iam.createAccessKey(user, ctx.services.clock.now());
    stage(ctx, staged);
    return {
      AccessKey: {
        UserName: user.userName,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        SecretAccessKey: key.secretAccessKey,
        CreateDate: new Date(key.createdAt),
      },
    };
  },
  access: onUser('CreateAccessKey'),
  resources: (input, output, ctx) =>
    iamResources('user', userNameOf(ctx, input.UserName), output?.AccessKey.AccessKeyId),
};

export const listAccessKeysOperation: QueryOperation<ListAccessKeysRequest, ListAccessKeysResponse> = {
  async handler(input, ctx) {
    const user = targetUser(ctx, input.UserName);
    const keys = ctx.services.iam.accessKeys(user);
    const page = paginate(keys, (k) => k.accessKeyId, input.Marker, input.MaxItems);
    return {
      AccessKeyMetadata: page.items.map((k) => ({
        UserName: user.userName,
        AccessKeyId: k.accessKeyId,
        Status: k.status,
        CreateDate: new Date(k.createdAt),
      })),
      IsTruncated: page.IsTruncated,
      ...(page.Marker ? { Marker: page.Marker } : {}),
    };
  },
  access: onUser('ListAccessKeys'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName)),
};

export const updateAccessKeyOperation: QueryOperation<UpdateAccessKeyRequest, Empty> = {
  async handler(input, ctx) {
    // The model's status enum serves other credentials too; an access key is only ever these two.
    if (input.Status === 'Expired') {
      throw IamErrors.validation(
        "1 validation error detected: Value 'Expired' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
      );
    }
    const user = targetUser(ctx, input.UserName);
    stage(ctx, ctx.services.iam.updateAccessKey(user, input.AccessKeyId, input.Status));
    return {};
  },
  access: onUser('UpdateAccessKey'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName), input.AccessKeyId),
};

export const deleteAccessKeyOperation: QueryOperation<DeleteAccessKeyRequest, Empty> = {
  async handler(input, ctx) {
    const user = targetUser(ctx, input.UserName);
    stage(ctx, ctx.services.iam.deleteAccessKey(user, input.AccessKeyId));
    return {};
  },
  access: onUser('DeleteAccessKey'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName), input.AccessKeyId),
};
