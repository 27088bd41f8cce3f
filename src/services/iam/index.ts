/**
 * IAM as an awsQuery service (global: recorded in us-east-1 whatever region the client signed
 * for): the typed table of the operations OpenTrail implements. Every other operation of the
 * official model is answered as not implemented, and still recorded. Operations without an
 * `access` ask for `iam:<Operation>` on `*`.
 */
import { createQueryService, type QueryOperation } from '../../aws/query-service.js';
import type { AwsService } from '../../aws/service.js';
import { metadata, operations, shapes, type OperationMap, type OperationName } from './generated/model.js';
import { IamErrors } from '../../identity/iam-errors.js';
import { createAccountAliasOperation, deleteAccountAliasOperation, listAccountAliasesOperation } from './account-aliases.js';
import {
  createAccessKeyOperation,
  deleteAccessKeyOperation,
  listAccessKeysOperation,
  updateAccessKeyOperation,
} from './access-keys.js';
import {
  deleteRolePolicyOperation,
  deleteUserPolicyOperation,
  getRolePolicyOperation,
  getUserPolicyOperation,
  listRolePoliciesOperation,
  listUserPoliciesOperation,
  putRolePolicyOperation,
  putUserPolicyOperation,
} from './inline-policies.js';
import {
  createLoginProfileOperation,
  deleteLoginProfileOperation,
  getLoginProfileOperation,
  updateLoginProfileOperation,
} from './login-profiles.js';
import {
  createRoleOperation,
  deleteRoleOperation,
  getRoleOperation,
  listRolesOperation,
  updateAssumeRolePolicyOperation,
} from './roles.js';
import { createUserOperation, deleteUserOperation, getUserOperation, listUsersOperation, updateUserOperation } from './users.js';

type Table = { [K in OperationName]?: QueryOperation<OperationMap[K]['input'], OperationMap[K]['output']> };

const implemented: Table = {
  CreateAccessKey: createAccessKeyOperation,
  CreateAccountAlias: createAccountAliasOperation,
  CreateLoginProfile: createLoginProfileOperation,
  CreateRole: createRoleOperation,
  CreateUser: createUserOperation,
  DeleteAccessKey: deleteAccessKeyOperation,
  DeleteAccountAlias: deleteAccountAliasOperation,
  DeleteLoginProfile: deleteLoginProfileOperation,
  DeleteRole: deleteRoleOperation,
  DeleteRolePolicy: deleteRolePolicyOperation,
  DeleteUser: deleteUserOperation,
  DeleteUserPolicy: deleteUserPolicyOperation,
  GetLoginProfile: getLoginProfileOperation,
  GetRole: getRoleOperation,
  GetRolePolicy: getRolePolicyOperation,
  GetUser: getUserOperation,
  GetUserPolicy: getUserPolicyOperation,
  ListAccessKeys: listAccessKeysOperation,
  ListAccountAliases: listAccountAliasesOperation,
  ListRolePolicies: listRolePoliciesOperation,
  ListRoles: listRolesOperation,
  ListUserPolicies: listUserPoliciesOperation,
  ListUsers: listUsersOperation,
  PutRolePolicy: putRolePolicyOperation,
  PutUserPolicy: putUserPolicyOperation,
  UpdateAccessKey: updateAccessKeyOperation,
  UpdateAssumeRolePolicy: updateAssumeRolePolicyOperation,
  UpdateLoginProfile: updateLoginProfileOperation,
  UpdateUser: updateUserOperation,
};

export function createIamService(): AwsService {
  return createQueryService({
    model: { metadata, shapes, operations },
    signingName: 'iam',
    eventSource: 'iam.amazonaws.com',
    globalRegion: 'us-east-1',
    // Handler inputs are checked against the model before the call, hence the widening.
    table: implemented as Record<string, QueryOperation<never, unknown> | undefined>,
    notImplemented: IamErrors.notImplemented,
  });
}
