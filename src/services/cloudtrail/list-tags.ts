/**
 * ListTags (reference §2.15): the tags of up to 20 trails, in the order asked. Every answer fits
 * one page, so NextToken (reserved by AWS) is ignored.
 */
import { AwsError } from '../../aws/errors.js';
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { ListTagsRequest, ListTagsResponse } from './generated/model.js';
import { findTaggedTrail } from './tag-target.js';
import { trailAccess } from './trail-lookup.js';

const MAX_RESOURCES = 20;

async function listTags(input: ListTagsRequest, ctx: OperationContext): Promise<ListTagsResponse> {
  if (input.ResourceIdList.length > MAX_RESOURCES) {
    throw new AwsError(
      'InvalidParameterException',
      `ResourceIdList has ${input.ResourceIdList.length} ARNs; the maximum is ${MAX_RESOURCES}.`,
    );
  }
  return {
    ResourceTagList: input.ResourceIdList.map((id) => ({ ResourceId: id, TagsList: findTaggedTrail(ctx, id).tags })),
  };
}

export const listTagsOperation: JsonOperation<ListTagsRequest, ListTagsResponse> = {
  handler: listTags,
  access: (input, ctx) => input.ResourceIdList.slice(0, MAX_RESOURCES).map((id) => trailAccess(ctx, 'ListTags', id)),
};
