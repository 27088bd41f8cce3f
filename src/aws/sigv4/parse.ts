/**
 * Reading what a request claims about its own signature, without any crypto: the split request
 * target, the Authorization header's parameters, the presigned X-Amz-* query parameters and the
 * credential scope. Nothing here throws on malformed input except the SigV4Errors it is meant to
 * raise; `readScope` never throws at all.
 */
import { decodeText } from './encoding.js';
import type { RawRequest, SigV4Scope } from './types.js';

export interface QueryParam {
  /** As received, still percent-encoded. */
  rawKey: string;
  rawValue: string;
}

export interface Target {
  rawPath: string;
  params: QueryParam[];
}

type Headers = RawRequest['headers'];

export function splitTarget(url: string): Target {
  let target = url;
  if (!target.startsWith('/')) {
    // absolute-form (a request sent through a proxy): drop scheme://authority
    const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/.exec(target);
    if (authority) target = target.slice(authority[0].length);
  }
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  const params: QueryParam[] = [];
  for (const segment of rawQuery.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    params.push(
      eq < 0
        ? { rawKey: segment, rawValue: '' }
        : { rawKey: segment.slice(0, eq), rawValue: segment.slice(eq + 1) },
    );
  }
  return { rawPath, params };
}

/** The first query parameter whose decoded key is `name` (case-sensitive), decoded. */
export function queryParam(target: Target, name: string): string | undefined {
  for (const p of target.params) {
    if (p.rawKey === name || decodeText(p.rawKey) === name) return decodeText(p.rawValue);
  }
  return undefined;
}

/** Like queryParam, ignoring case: presigners hoist x-amz-* headers under whatever case they had. */
export function queryParamAnyCase(target: Target, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const p of target.params) {
    if (decodeText(p.rawKey).toLowerCase() === lower) return decodeText(p.rawValue);
  }
  return undefined;
}

/** One header as a single string; repeats are joined with ',' as SigV4 does. */
export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}

export interface AuthHeaderParams {
  algorithm: string;
  Credential?: string;
  SignedHeaders?: string;
  Signature?: string;
  /** The first parameter without '=', which AWS rejects before anything else. */
  badToken?: string;
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`; commas or spaces separate. */
export function parseAuthorizationHeader(value: string): AuthHeaderParams {
  const tokens = value.split(/[\s,]+/).filter((t) => t !== '');
  const parsed: AuthHeaderParams = { algorithm: tokens[0] ?? '' };
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    if (eq < 0) {
      parsed.badToken ??= token;
      continue;
    }
    const key = token.slice(0, eq);
    if (key === 'Credential' || key === 'SignedHeaders' || key === 'Signature') {
      parsed[key] = token.slice(eq + 1);
    }
  }
  return parsed;
}

export interface CredentialParts extends SigV4Scope {
  terminator: string;
}

/** keyid/date/region/service/term; trailing slashes are ignored, as AWS ignores them. */
export function parseCredential(value: string): CredentialParts | undefined {
  const parts = value.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator };
}

function scopeOf(credential: string | undefined): SigV4Scope | undefined {
  if (credential === undefined) return undefined;
  const parts = parseCredential(credential);
  if (!parts) return undefined;
  const { accessKeyId, date, region, service } = parts;
  return { accessKeyId, date, region, service };
}

/**
 * Cheap, no crypto: finds the credential scope from the Authorization header or presigned query
 * (X-Amz-Credential), or undefined when the request carries no SigV4 auth at all. Used by the
 * router to pick the service before verifying. Must never throw on garbage.
 */
export function readScope(req: RawRequest): SigV4Scope | undefined {
  try {
    const auth = header(req.headers, 'authorization');
    if (auth !== undefined) return scopeOf(parseAuthorizationHeader(auth).Credential);
    if (typeof req.url !== 'string' || !req.url.includes('X-Amz-Credential')) return undefined;
    return scopeOf(queryParam(splitTarget(req.url), 'X-Amz-Credential'));
  } catch {
    // a request shaped too oddly to read (non-string header values, ...) names no scope
    return undefined;
  }
}
