/**
 * Account aliases: Create/List/DeleteAccountAlias. One per account, unique across accounts; the
 * root user's records name it (userIdentity.userName) from the next call on.
 */
import type { QueryOperation } from '../../aws/query-service.js';
import type { CreateAccountAliasRequest, DeleteAccountAliasRequest, ListAccountAliasesRequest, ListAccountAliasesResponse } from './generated/model.js';
import { type Empty, paginate, stage } from './views.js';

export const createAccountAliasOperation: QueryOperation<CreateAccountAliasRequest, Empty> = {
  async handler(input, ctx) {
    stage(ctx, ctx.services.iam.createAccountAlias(ctx.accountId, input.AccountAlias));
    return {};
  },
};

export const listAccountAliasesOperation: QueryOperation<ListAccountAliasesRequest, ListAccountAliasesResponse> = {
  async handler(input, ctx) {
    const page = paginate(ctx.services.iam.accountAliases(ctx.accountId), (a) => a, input.Marker, input.MaxItems);
    return { AccountAliases: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
};

export const deleteAccountAliasOperation: QueryOperation<DeleteAccountAliasRequest, Empty> = {
  async handler(input, ctx) {
    stage(ctx, ctx.services.iam.deleteAccountAlias(ctx.accountId, input.AccountAlias));
    return {};
  },
};
