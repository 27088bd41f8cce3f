/**
 * ListTrails (reference §2.7, §14 item 25): name, ARN and home region of every trail visible in
 * the caller's region (home trails and shadows), ordered by ARN, in pages continued by a sealed
 * NextToken that holds the last ARN returned (so trails created or deleted between pages neither
 * repeat nor shift the listing).
 */
import { AwsError } from '../../aws/errors.js';
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { ListTrailsRequest, ListTrailsResponse } from './generated/model.js';
import { issueAfterToken, openAfterToken, paramsDigest } from './next-token.js';
import { trailInfo } from './trail-views.js';

const LIST_TRAILS_PAGE_SIZE = 50;

function listTrailsWith(pageSize: number) {
  return async (input: ListTrailsRequest, ctx: OperationContext): Promise<ListTrailsResponse> => {
    const key = ctx.services.tokenKey;
    const digest = paramsDigest({ operation: 'ListTrails', account: ctx.accountId, region: ctx.region });
    let after: string | undefined;
    if (input.NextToken !== undefined) {
      after = openAfterToken(key, digest, input.NextToken);
      if (after === undefined) {
        throw new AwsError(
          'InvalidNextTokenException',
          'The NextToken is invalid: it was altered, or it was issued to another account or region.',
        );
      }
    }
    const visible = ctx.services.trails.visibleIn(ctx.accountId, ctx.region);
    const rest = after === undefined ? visible : visible.filter((t) => t.arn > after);
    const page = rest.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      Trails: page.map(trailInfo),
      ...(rest.length > pageSize && last ? { NextToken: issueAfterToken(key, digest, last.arn) } : {}),
    };
  };
}

/** The operation with another page size: AWS's is undocumented and 5 trails fit in any page. */
export function listTrailsOperationWith(pageSize: number): JsonOperation<ListTrailsRequest, ListTrailsResponse> {
  return { handler: listTrailsWith(pageSize) };
}

export const listTrailsOperation = listTrailsOperationWith(LIST_TRAILS_PAGE_SIZE);
