/**
 * What a validation run reports, in the order the AWS CLI prints it: each digest, then its log
 * files in `logFiles` order, gap notices, and at the end the log files no digest lists. Reports
 * (text, JSON, progress) consume these; the summary counts them.
 */
import type { CheckedDigest } from './digest-check.js';

/** The link from a newer digest to this one, checked beyond what the AWS CLI checks. */
export interface PreviousLink {
  /** The newer digest whose `previousDigestS3Object` names this one. */
  bucket: string;
  key: string;
  /** Its `previousDigestHashValue` equals this digest's SHA-256. */
  hashMatches: boolean;
  /** Its `previousDigestSignature` equals this digest's `signature` metadata. */
  signatureMatches: boolean;
}

export interface FileEvent {
  type: 'file';
  kind: 'digest' | 'log';
  /** A backfill digest, or a log file one lists. */
  backfill: boolean;
  bucket: string;
  key: string;
  /** Why it is invalid (after `INVALID: `); absent when valid. */
  reason?: string;
  /** A valid digest's content. */
  digest?: CheckedDigest;
  link?: PreviousLink;
  /** Compressed bytes read (log files). */
  bytes?: number;
}

export interface GapEvent {
  type: 'gap';
  backfill: boolean;
  /** End of the older digest found next. */
  from: Date;
  /** Start of the digest that begins a chain. */
  to: Date;
}

/** A log file in the bucket, in a period valid digests cover, that none of them lists. */
export interface UnlistedEvent {
  type: 'unlisted';
  bucket: string;
  key: string;
}

export type ValidationEvent = FileEvent | GapEvent | UnlistedEvent;

export interface Counts {
  valid: number;
  invalid: number;
}

export interface Summary {
  start: Date;
  end: Date;
  /** Range the valid digests cover, clipped to [start, end]; absent without a valid digest. */
  found?: { start: Date; end: Date };
  digests: Counts;
  backfillDigests: Counts;
  logFiles: Counts;
  /** Links followed from a digest to its previous one (OpenTrail's extra check). */
  links: Counts;
  unlistedLogFiles: number;
}

export interface RunInfo {
  trailArn: string;
  start: Date;
  end: Date;
  bucket: string;
  prefix?: string;
  accountId: string;
  region: string;
}

export interface ValidationSink {
  start(info: RunInfo): void;
  event(e: ValidationEvent): void;
  finish(summary: Summary): void;
}

/** Anything invalid, by the AWS CLI's checks or ours: exit status 1. */
export const anyInvalid = (s: Summary): boolean =>
  s.digests.invalid + s.backfillDigests.invalid + s.logFiles.invalid + s.links.invalid + s.unlistedLogFiles > 0;

export type LinkCheck = 'previousDigestHash' | 'previousDigestSignature';

/** What is wrong with a link, worded for the output. */
export function linkProblems(link: PreviousLink | undefined): { check: LinkCheck; message: string }[] {
  if (!link) return [];
  const from = `s3://${link.bucket}/${link.key}`;
  return [
    ...(link.hashMatches ? [] : [{ check: 'previousDigestHash' as const, message: `SHA-256 differs from previousDigestHashValue in ${from}` }]),
    ...(link.signatureMatches ? [] : [{ check: 'previousDigestSignature' as const, message: `signature differs from previousDigestSignature in ${from}` }]),
  ];
}
