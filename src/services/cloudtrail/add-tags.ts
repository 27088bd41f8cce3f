/**
 * AddTags (reference §2.15, §14 item 27): adds tags to a trail, replacing the value of a key it
 * already has; at most 50 tags result.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { addTags as withTags } from '../../trails/tags.js';
import type { AddTagsRequest, AddTagsResponse } from './generated/model.js';
import { findTaggedTrail } from './tag-target.js';
import { putTrail } from './trail-changes.js';
import { trailResources } from './trail-views.js';
import { tagViolation } from './violations.js';
import { trailAccess } from './trail-lookup.js';

async function addTags(input: AddTagsRequest, ctx: OperationContext): Promise<AddTagsResponse> {
  const trail = findTaggedTrail(ctx, input.ResourceId);
  putTrail(ctx, { ...trail, tags: withTags(trail.tags, input.TagsList) });
  return {};
}

export const addTagsOperation: JsonOperation<AddTagsRequest, AddTagsResponse> = {
  handler: addTags,
  access: (input, ctx) => trailAccess(ctx, 'AddTags', input.ResourceId),
  resources: (input, _output, ctx) => trailResources(ctx, input.ResourceId),
  mapViolation: tagViolation,
};
