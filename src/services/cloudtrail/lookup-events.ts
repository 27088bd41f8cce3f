/**
 * LookupEvents (reference §2.13, §9): event history of the caller's account in the caller's
 * region, management events (or Insights events with EventCategory=insight), newest first,
 * one lookup attribute at most, within the retention window.
 */
import { AwsError } from '../../aws/errors.js';
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { LookupAttributeKey, LookupQuery, StoredEvent } from '../../store/event-log.js';
import type { Event, LookupEventsRequest, LookupEventsResponse } from './generated/model.js';
import { issueToken, openToken, paramsDigest } from './next-token.js';

const DEFAULT_MAX_RESULTS = 50;
const MAX_ATTRIBUTE_WEIGHT = 2000;
const INSIGHT_ATTRIBUTES: readonly string[] = ['EventId', 'EventName', 'EventSource'];
const DAY_MS = 86_400_000;

const invalidAttributes = (message: string) => new AwsError('InvalidLookupAttributesException', message);

/** Characters AWS counts twice toward the 2,000-character limit of AttributeValue. */
function attributeWeight(value: string): number {
  let weight = 0;
  for (const ch of value) weight += ch === '_' || ch === ' ' || ch === ',' || ch === '\n' ? 2 : 1;
  return weight;
}

function attributeOf(input: LookupEventsRequest, insight: boolean): LookupQuery['attribute'] {
  const list = input.LookupAttributes ?? [];
  if (list.length > 1) {
    throw invalidAttributes('LookupAttributes can contain at most one attribute; specify a single AttributeKey and AttributeValue.');
  }
  const attr = list[0];
  if (!attr) return undefined;
  if (insight && !INSIGHT_ATTRIBUTES.includes(attr.AttributeKey)) {
    throw invalidAttributes(`AttributeKey ${attr.AttributeKey} is not supported for Insights events; use EventId, EventName or EventSource.`);
  }
  if (attributeWeight(attr.AttributeValue) > MAX_ATTRIBUTE_WEIGHT) {
    throw invalidAttributes(
      "AttributeValue is longer than 2000 characters (the characters '_', ' ', ',' and newline count as two).",
    );
  }
  return { key: attr.AttributeKey as LookupAttributeKey, value: attr.AttributeValue };
}

function timeWindow(input: LookupEventsRequest, ctx: OperationContext): { start: number; end: number } {
  const now = ctx.services.clock.now();
  const floor = now - ctx.services.config.retentionDays * DAY_MS;
  const start = input.StartTime?.getTime();
  const end = input.EndTime?.getTime() ?? now;
  if (start !== undefined && start > end) {
    throw new AwsError('InvalidTimeRangeException', 'StartTime must be earlier than or equal to EndTime.');
  }
  // Events past the retention period are never shown, whether or not they are purged yet.
  return { start: Math.max(start ?? floor, floor), end };
}

function toApiEvent(e: StoredEvent): Event {
  const r = e.record;
  const event: Event = {
    EventId: r.eventID,
    EventName: r.eventName,
    EventTime: new Date(e.eventTimeMs),
    EventSource: r.eventSource,
    Resources: e.lookupResources.map((res) => ({ ResourceType: res.type, ResourceName: res.name })),
    CloudTrailEvent: e.recordJson,
  };
  if (r.readOnly !== undefined) event.ReadOnly = String(r.readOnly);
  if (r.userIdentity.accessKeyId) event.AccessKeyId = r.userIdentity.accessKeyId;
  if (e.username !== undefined) event.Username = e.username;
  return event;
}

async function lookupEvents(input: LookupEventsRequest, ctx: OperationContext): Promise<LookupEventsResponse> {
  const insight = input.EventCategory === 'insight';
  const attribute = attributeOf(input, insight);
  const { start, end } = timeWindow(input, ctx);
  // Only calls that read or issue a NextToken need the parameters' digest (not every call does).
  const digest = () =>
    paramsDigest({
      account: ctx.accountId,
      region: ctx.region,
      category: input.EventCategory,
      key: attribute?.key,
      value: attribute?.value,
      start: input.StartTime?.getTime(),
      end: input.EndTime?.getTime(),
    });
  const key = ctx.services.tokenKey;
  const after = input.NextToken === undefined ? undefined : openToken(key, digest(), input.NextToken);
  if (input.NextToken !== undefined && !after) {
    throw new AwsError(
      'InvalidNextTokenException',
      'The NextToken is invalid: it was altered, or the request does not repeat the parameters of the call that returned it.',
    );
  }
  const page = await ctx.services.eventLog.lookup({
    accountId: ctx.accountId,
    region: ctx.region,
    category: insight ? 'insight' : 'management',
    ...(attribute ? { attribute } : {}),
    startTimeMs: start,
    endTimeMs: end,
    limit: input.MaxResults ?? DEFAULT_MAX_RESULTS,
    ...(after ? { after } : {}),
  });
  return {
    Events: page.events.map(toApiEvent),
    ...(page.next ? { NextToken: issueToken(key, digest(), page.next) } : {}),
  };
}

export const lookupEventsOperation: JsonOperation<LookupEventsRequest, LookupEventsResponse> = {
  handler: lookupEvents,
  readOnly: true,
  mapViolation(v) {
    if (v.path === 'maxResults') {
      return new AwsError('InvalidMaxResultsException', 'MaxResults must be an integer from 1 to 50.');
    }
    if (v.path === 'eventCategory') {
      return new AwsError('InvalidEventCategoryException', "EventCategory must be 'insight' or omitted.");
    }
    if (/^lookupAttributes\.\d+\.member\.attributeKey$/.test(v.path) && v.constraint === 'enum') {
      return invalidAttributes(
        'AttributeKey must be one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.',
      );
    }
    return undefined;
  },
};
