/**
 * Event history as the console reads it: the LookupEvents wire shapes (timestamps are epoch
 * seconds on the awsJson wire), and one flat row per event with the fields the tables, the detail
 * view and the downloads show. Region and error code are not LookupEvents members, so they come
 * from the record in CloudTrailEvent, parsed once per event.
 */
import { cloudtrail } from '../api.js';

export type AttributeKey =
  | 'ReadOnly'
  | 'EventName'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId'
  | 'EventId';

export interface LookupResource {
  ResourceType?: string;
  ResourceName?: string;
}

export interface LookupEvent {
  EventId: string;
  EventName?: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  /** Epoch seconds. */
  EventTime?: number;
  EventSource?: string;
  Username?: string;
  Resources?: LookupResource[];
  CloudTrailEvent?: string;
}

export interface LookupQuery {
  attribute?: { key: AttributeKey; value: string };
  /** Epoch ms. */
  start?: number;
  end?: number;
}

export interface EventRow {
  event: LookupEvent;
  /** The full record; an empty object when CloudTrailEvent is missing or unreadable. */
  record: Record<string, unknown>;
  region: string;
  errorCode: string;
}

function parseRecord(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function toRow(event: LookupEvent): EventRow {
  const record = parseRecord(event.CloudTrailEvent);
  return { event, record, region: text(record.awsRegion), errorCode: text(record.errorCode) };
}

/** One page of event history, newest first. */
export async function lookupEvents(
  query: LookupQuery,
  region: string,
  nextToken?: string,
  maxResults = 50,
): Promise<{ rows: EventRow[]; nextToken?: string }> {
  const input: Record<string, unknown> = { MaxResults: maxResults };
  if (query.attribute) input.LookupAttributes = [{ AttributeKey: query.attribute.key, AttributeValue: query.attribute.value }];
  if (query.start !== undefined) input.StartTime = query.start / 1000;
  if (query.end !== undefined) input.EndTime = query.end / 1000;
  if (nextToken) input.NextToken = nextToken;
  const out = await cloudtrail<{ Events?: LookupEvent[]; NextToken?: string }>('LookupEvents', input, region);
  return { rows: (out.Events ?? []).map(toRow), ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
}

/** `2026-12-07 22:45:58 UTC`: event history is read across time zones, so times are shown in UTC. */
export function formatEventTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return '';
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Where a resource of an event leads in the console. */
export function resourceHref(resource: LookupResource): string | undefined {
  const name = resource.ResourceName;
  if (!name) return undefined;
  if (resource.ResourceType === 'AWS::CloudTrail::Trail') {
    // Records name trails by ARN (…:trail/<name>); the trail pages take the name.
    const slash = name.indexOf(':trail/');
    return `#/trails/${encodeURIComponent(slash < 0 ? name : name.slice(slash + 7))}`;
  }
  if (resource.ResourceType === 'AWS::S3::Bucket') return `#/buckets/${encodeURIComponent(name.replace(/^arn:aws:s3:::/, ''))}`;
  return `#/events?${new URLSearchParams({ attr: 'ResourceName', value: name }).toString()}`;
}
