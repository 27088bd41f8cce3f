/** RemoveTags (reference §2.15): removes tags from a trail by key (values are not compared). */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { removeTags as withoutTags } from '../../trails/tags.js';
import type { RemoveTagsRequest, RemoveTagsResponse } from './generated/model.js';
import { findTaggedTrail } from './tag-target.js';
import { putTrail } from './trail-changes.js';
import { trailResources } from './trail-views.js';
import { tagViolation } from './violations.js';
import { trailAccess } from './trail-lookup.js';

async function removeTags(input: RemoveTagsRequest, ctx: OperationContext): Promise<RemoveTagsResponse> {
  const trail = findTaggedTrail(ctx, input.ResourceId);
  putTrail(ctx, { ...trail, tags: withoutTags(trail.tags, input.TagsList) });
  return {};
}

export const removeTagsOperation: JsonOperation<RemoveTagsRequest, RemoveTagsResponse> = {
  handler: removeTags,
  access: (input, ctx) => trailAccess(ctx, 'RemoveTags', input.ResourceId),
  resources: (input, _output, ctx) => trailResources(ctx, input.ResourceId),
  mapViolation: tagViolation,
};
