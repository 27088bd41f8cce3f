/**
 * What a request claims about its signature, read from the Authorization header or from the
 * presigned query, with AWS's checks in AWS's order: which form, which parts are missing, and the
 * date (format, then the 15-minute window or the presigned expiry). The checks that need the
 * options (scope, credentials, signature) follow in verify.ts.
 */
import { SigV4Errors } from './messages.js';
import { header, parseAuthorizationHeader, queryParam, type Target } from './parse.js';
import { formatIsoBasic, MAX_SKEW_MS, parseDateHeader, parseIsoBasic } from './time.js';
import type { RawRequest } from './types.js';

export interface Claim {
  presigned: boolean;
  algorithm: string;
  credential: string;
  /** Lower-cased names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
  /** The request time; `longDate` is it in ISO basic form, as it enters the string-to-sign. */
  time: number;
  longDate: string;
  /** X-Amz-Expires in seconds, when the presigned URL carries one. */
  expires?: number;
}

/** A claim before its date is checked: `date` is the raw value and where it came from. */
export type UncheckedClaim = Omit<Claim, 'time' | 'longDate'> & { date: string; dateHeader: boolean };

const MAX_EXPIRES = 604800;

/** Which form the request uses; throws when it uses both or none. */
export function authForm(req: RawRequest, target: Target): 'header' | 'query' {
  const presigned = queryParam(target, 'X-Amz-Algorithm') !== undefined;
  const auth = header(req.headers, 'authorization');
  if (auth !== undefined && presigned) throw SigV4Errors.bothAuthForms();
  if (auth !== undefined) return 'header';
  if (presigned) return 'query';
  throw SigV4Errors.missingAuthentication();
}

export function readHeaderClaim(req: RawRequest): UncheckedClaim {
  const auth = header(req.headers, 'authorization') ?? '';
  const p = parseAuthorizationHeader(auth);
  if (p.badToken !== undefined) throw SigV4Errors.notKeyValuePair(p.badToken, auth);
  const amzDate = header(req.headers, 'x-amz-date');
  const date = amzDate || header(req.headers, 'date') || '';
  if (!p.Credential || !p.Signature || !p.SignedHeaders || !date) {
    // an empty value counts as missing, as it does for AWS
    const absent = (['Credential', 'Signature', 'SignedHeaders'] as const).filter((k) => !p[k]);
    throw SigV4Errors.incompleteHeader(date ? absent : [...absent, 'date'], auth);
  }
  return {
    presigned: false,
    algorithm: p.algorithm,
    credential: p.Credential,
    signedHeaders: p.SignedHeaders.toLowerCase().split(';'),
    signature: p.Signature,
    date,
    dateHeader: !amzDate,
  };
}

const QUERY_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];

export function readQueryClaim(target: Target, s3: boolean): UncheckedClaim {
  // S3 documents X-Amz-Expires as required; AWS's JSON services do not ask for it.
  const names = s3 ? [...QUERY_PARAMS, 'X-Amz-Expires'] : QUERY_PARAMS;
  const values = new Map(names.map((n) => [n, queryParam(target, n) ?? '']));
  const missing = names.filter((n) => !values.get(n));
  if (missing.length > 0) throw SigV4Errors.incompleteQuery(missing);
  const claim = {
    presigned: true,
    algorithm: values.get('X-Amz-Algorithm') ?? '',
    credential: values.get('X-Amz-Credential') ?? '',
    signedHeaders: (values.get('X-Amz-SignedHeaders') ?? '').toLowerCase().split(';'),
    signature: values.get('X-Amz-Signature') ?? '',
    date: values.get('X-Amz-Date') ?? '',
    dateHeader: false,
  };
  const expires = queryParam(target, 'X-Amz-Expires');
  return expires === undefined || expires === '' ? claim : { ...claim, expires: parseExpires(expires) };
}

function parseExpires(value: string): number {
  if (/^-\d+$/.test(value)) throw SigV4Errors.expiresNegative();
  if (!/^\d+$/.test(value)) throw SigV4Errors.expiresNotNumber();
  const seconds = Number(value);
  if (seconds > MAX_EXPIRES) throw SigV4Errors.expiresTooLong();
  return seconds;
}

/** Parses the claimed date and holds it against the clock. */
export function checkTime(unchecked: UncheckedClaim, now: number, s3: boolean): Claim {
  const time = unchecked.dateHeader ? parseDateHeader(unchecked.date) : parseIsoBasic(unchecked.date);
  if (time === undefined) throw SigV4Errors.badDate(unchecked.date);
  // a valid X-Amz-Date is already the ISO basic form; a Date header needs converting
  const longDate = unchecked.dateHeader ? formatIsoBasic(time) : unchecked.date;
  if (time > now + MAX_SKEW_MS) {
    throw SigV4Errors.signatureNotYetCurrent(longDate, formatIsoBasic(now + MAX_SKEW_MS), formatIsoBasic(now));
  }
  // S3 presigned URLs live for X-Amz-Expires; everything else also answers to the 15-minute window
  // (AWS STS, for one, ignores X-Amz-Expires beyond it).
  if (!(unchecked.presigned && s3) && time < now - MAX_SKEW_MS) {
    throw SigV4Errors.signatureExpired(longDate, formatIsoBasic(now - MAX_SKEW_MS), formatIsoBasic(now));
  }
  const expires = unchecked.expires;
  if (expires !== undefined && now > time + expires * 1000) {
    const limit = formatIsoBasic(now - expires * 1000);
    throw SigV4Errors.presignedExpired(longDate, limit, formatIsoBasic(now), expires);
  }
  return {
    presigned: unchecked.presigned,
    algorithm: unchecked.algorithm,
    credential: unchecked.credential,
    signedHeaders: unchecked.signedHeaders,
    signature: unchecked.signature,
    time,
    longDate,
    ...(expires === undefined ? {} : { expires }),
  };
}
