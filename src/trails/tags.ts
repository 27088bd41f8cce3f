/**
 * Tags on a trail (reference §2.15, §14 item 27): key/value rules, adding (a key already present
 * gets the new value), removing (by key), and the 50-tags-per-resource limit applied to the
 * resulting set. A tag without a value keeps no value.
 */
import { AwsError } from '../aws/errors.js';
import type { Tag } from '../services/cloudtrail/generated/model.js';

export const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;
const CHARSET = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalidTag = (message: string) => new AwsError('InvalidTagParameterException', message);

export function tooManyTags(): AwsError {
  return new AwsError(
    'TagsLimitExceededException',
    `The number of tags per trail has exceeded the permitted amount. Currently, the limit is ${MAX_TAGS}.`,
  );
}

/** Checks a request's tags: lengths, characters, reserved prefix, no key twice. */
export function assertTags(tags: readonly Tag[], checkValues = true): void {
  const keys = new Set<string>();
  for (const { Key: key, Value: value } of tags) {
    if (key.length < 1 || key.length > MAX_KEY || !CHARSET.test(key)) {
      throw invalidTag(
        `Tag key ${key.slice(0, MAX_KEY)} is not valid: use 1 to ${MAX_KEY} letters, numbers, spaces and _ . : / = + - @.`,
      );
    }
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag(`Tag key ${key} is not valid: the aws: prefix is reserved.`);
    if (keys.has(key)) throw invalidTag(`Tag key ${key} is specified more than once.`);
    keys.add(key);
    if (checkValues && value !== undefined && (value.length > MAX_VALUE || !CHARSET.test(value))) {
      throw invalidTag(
        `Tag value for key ${key} is not valid: use up to ${MAX_VALUE} letters, numbers, spaces and _ . : / = + - @.`,
      );
    }
  }
}

/** `existing` with `added` applied; TagsLimitExceededException if more than 50 would result. */
export function addTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  assertTags(added);
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value });
  if (byKey.size > MAX_TAGS) throw tooManyTags();
  return [...byKey.values()];
}

/** `existing` without the keys of `removed` (their values are ignored, reference §2.15). */
export function removeTags(existing: readonly Tag[], removed: readonly Tag[]): Tag[] {
  assertTags(removed, false);
  const drop = new Set(removed.map((t) => t.Key));
  return existing.filter((t) => !drop.has(t.Key));
}
