/**
 * GetCallerIdentity: who signed the request. Needs no permission in AWS (an explicit Deny cannot
 * stop it), so its access request is one the authorizer must always allow.
 */
import type { Principal } from '../../aws/principal.js';
import type { QueryOperation } from '../../aws/query-service.js';
import { principalArn } from '../../aws/principal.js';
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from './generated/model.js';

/** AWS's `UserId`: the account for root, the user's id, or `<role id>:<session name>`. */
function userId(p: Principal): string {
  switch (p.type) {
    case 'Root':
      return p.accountId;
    case 'IAMUser':
      return p.userId;
    case 'AssumedRole':
      return `${p.roleId}:${p.sessionName}`;
  }
}

export const getCallerIdentityOperation: QueryOperation<GetCallerIdentityRequest, GetCallerIdentityResponse> = {
  readOnly: true,
  // Always allowed by the authorizer: in AWS no policy can grant or deny it.
  access: () => ({ action: 'sts:GetCallerIdentity', resource: '*' }),
  async handler(_input, ctx) {
    return { UserId: userId(ctx.principal), Account: ctx.principal.accountId, Arn: principalArn(ctx.principal) };
  },
};
