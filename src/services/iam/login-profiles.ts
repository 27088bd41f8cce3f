/**
 * Console passwords: Create/Get/Update/DeleteLoginProfile. Passwords are hashed (scrypt,
 * password.ts) before anything else happens and never stored, answered or recorded in clear
 * (the model marks them sensitive, so records leave them out).
 */
import type { QueryOperation } from '../../aws/query-service.js';
import { hashPassword } from '../../identity/password.js';
import type {
  CreateLoginProfileRequest,
  CreateLoginProfileResponse,
  DeleteLoginProfileRequest,
  GetLoginProfileRequest,
  GetLoginProfileResponse,
  UpdateLoginProfileRequest,
} from './generated/model.js';
import { IamErrors } from '../../identity/iam-errors.js';
import { type Empty, iamResources, onUser, stage, targetUser, userNameOf } from './views.js';

/** AWS's default password policy (no account password policy can be set yet). */
const MINIMUM_PASSWORD_LENGTH = 8;

/** Hashing is slow (on purpose): it runs first, and the handler re-reads state after it. */
async function hashChecked(password: string): Promise<string> {
  if ([...password].length < MINIMUM_PASSWORD_LENGTH) throw IamErrors.passwordTooShort(MINIMUM_PASSWORD_LENGTH);
  return hashPassword(password);
}

export const createLoginProfileOperation: QueryOperation<CreateLoginProfileRequest, CreateLoginProfileResponse> = {
  async handler(input, ctx) {
    if (input.Password === undefined) throw IamErrors.validation('Password is required to create a login profile.');
    // An unknown user fails before the slow hash; the user is looked up again after it.
    targetUser(ctx, input.UserName);
    const hash = await hashChecked(input.Password);
    const user = targetUser(ctx, input.UserName);
    const reset = input.PasswordResetRequired ?? false;
    const now = ctx.services.clock.now();
    stage(ctx, ctx.services.iam.createLoginProfile(user, hash, reset, now));
    return { LoginProfile: { UserName: user.userName, CreateDate: new Date(now), PasswordResetRequired: reset } };
  },
  access: onUser('CreateLoginProfile'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName)),
};

export const getLoginProfileOperation: QueryOperation<GetLoginProfileRequest, GetLoginProfileResponse> = {
  async handler(input, ctx) {
    const user = targetUser(ctx, input.UserName);
    const profile = ctx.services.iam.loginProfile(user);
    if (!profile) throw IamErrors.noSuchLoginProfile(user.userName);
    return {
      LoginProfile: {
        UserName: user.userName,
        CreateDate: new Date(profile.createdAt),
        PasswordResetRequired: profile.passwordResetRequired,
      },
    };
  },
  access: onUser('GetLoginProfile'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName)),
};

export const updateLoginProfileOperation: QueryOperation<UpdateLoginProfileRequest, Empty> = {
  async handler(input, ctx) {
    targetUser(ctx, input.UserName);
    const hash = input.Password !== undefined ? await hashChecked(input.Password) : undefined;
    const user = targetUser(ctx, input.UserName);
    const change = {
      ...(hash !== undefined ? { passwordHash: hash } : {}),
      ...(input.PasswordResetRequired !== undefined ? { passwordResetRequired: input.PasswordResetRequired } : {}),
    };
    stage(ctx, ctx.services.iam.updateLoginProfile(user, change));
    return {};
  },
  access: onUser('UpdateLoginProfile'),
  resources: (input) => iamResources('user', input.UserName),
};

export const deleteLoginProfileOperation: QueryOperation<DeleteLoginProfileRequest, Empty> = {
  async handler(input, ctx) {
    stage(ctx, ctx.services.iam.deleteLoginProfile(targetUser(ctx, input.UserName)));
    return {};
  },
  access: onUser('DeleteLoginProfile'),
  resources: (input, _output, ctx) => iamResources('user', userNameOf(ctx, input.UserName)),
};
