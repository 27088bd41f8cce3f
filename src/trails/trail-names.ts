/**
 * Trail names and trail ARNs (reference §1.4): the naming rules with the messages AWS answers
 * InvalidTrailNameException with, the ARN format, and telling one from the other (everywhere a
 * trail is named, AWS accepts either).
 */
import { AwsError } from '../aws/errors.js';

const MIN_NAME = 3;
const MAX_NAME = 128;
const TRAIL_ARN = /^arn:(aws(?:-[a-z]+)*):cloudtrail:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):trail\/(.+)$/;
const ALNUM = /^[A-Za-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface TrailArn {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** Whether a value names a trail by ARN (then it must be a well-formed one). */
export function looksLikeArn(value: string): boolean {
  return value.startsWith('arn:');
}

/**
 * Why `name` is not a valid trail name (AWS's InvalidTrailNameException text), or undefined.
 * Checked in AWS's order: a name failing several rules gets the first rule's message.
 */
export function trailNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Trail name cannot be blank!';
  if (name.length < MIN_NAME) {
    return `Trail name too short. Minimum allowed length: ${MIN_NAME} characters. Specified name length: ${name.length} characters.`;
  }
  if (name.length > MAX_NAME) {
    return `Trail name too long. Maximum allowed length: ${MAX_NAME} characters. Specified name length: ${name.length} characters.`;
  }
  if (!ALNUM.test(name[0]!)) return 'Trail name must starts with a letter or number.';
  if (!ALNUM.test(name[name.length - 1]!)) return 'Trail name must ends with a letter or number.';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).';
  }
  if (/[._-]{2}/.test(name)) {
    return 'Trail name or ARN cannot have adjacent periods (.), hyphens (-), or underscores (_).';
  }
  if (IPV4.test(name)) return 'Trail names must not be formatted as an IP address.';
  return undefined;
}

/** Throws InvalidTrailNameException unless `name` is a valid trail name. */
export function assertTrailName(name: string): void {
  const problem = trailNameProblem(name);
  if (problem !== undefined) throw new AwsError('InvalidTrailNameException', problem);
}

export function invalidArn(value: string): AwsError {
  return new AwsError(
    'CloudTrailARNInvalidException',
    `${value.slice(0, 300)} is not a valid trail ARN. A trail ARN has the form arn:aws:cloudtrail:<region>:<account-id>:trail/<trail-name>.`,
  );
}

/** Whether `value` is a valid trail name or a well-formed trail ARN. */
export function isTrailRef(value: string): boolean {
  if (!looksLikeArn(value)) return trailNameProblem(value) === undefined;
  const m = TRAIL_ARN.exec(value);
  return m !== null && trailNameProblem(m[4]!) === undefined;
}

/** The parts of a trail ARN; CloudTrailARNInvalidException when `value` is not one. */
export function parseTrailArn(value: string): TrailArn {
  const m = TRAIL_ARN.exec(value);
  if (!m || !isTrailRef(value)) throw invalidArn(value);
  return { arn: value, partition: m[1]!, region: m[2]!, accountId: m[3]!, name: m[4]! };
}
