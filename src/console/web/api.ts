/**
 * The web console's only way to the server. Every AWS call goes to `/console/api/aws/<service>/…`
 * in that service's own wire protocol, unsigned: the server authenticates it by the session
 * cookie and the CSRF token, then runs it through the same pipeline as a signed API call (same
 * operations, same policies, recorded with this browser's user agent). A 401 means the session is
 * gone: every caller is sent back to sign-in.
 */
import type { Stats } from '../stats-shape.js';

export type { Stats };

export interface Identity {
  type: 'Root' | 'IAMUser';
  arn: string;
  accountId: string;
  /** The IAM user's name; absent for root. */
  userName?: string;
  /** The session's temporary (ASIA…) access key id. */
  accessKeyId: string;
}

export interface SessionInfo {
  csrfToken: string;
  identity: Identity;
  /** ms since epoch when the session ends. */
  expiresAt: number;
  /** The region console calls go to unless a page chooses another. */
  region: string;
  /** Every region this server serves. */
  regions: string[];
}

/** Sign in as an IAM user with a password, or with an access key pair (root's bootstrap pair too). */
export type SignInForm =
  | { account: string; userName: string; password: string }
  | { accessKeyId: string; secretAccessKey: string };

/** What a call failed with: the service's error code and message, as the API would answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => undefined;

/** Called (once, by the app shell) with what to do when the server says the session is gone. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  let code = `HTTP${res.status}`;
  let message = text.slice(0, 500) || res.statusText;
  try {
    const body = JSON.parse(text) as { __type?: string; code?: string; message?: string; Message?: string };
    code = (body.code ?? body.__type ?? code).split('#').pop() ?? code;
    message = body.message ?? body.Message ?? message;
  } catch {
    // XML (S3, IAM): <Code> and <Message>
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    code = doc.querySelector('Code')?.textContent ?? code;
    message = doc.querySelector('Message')?.textContent ?? message;
  }
  if (res.status === 401) onSignedOut();
  return new ApiError(res.status, code, message);
}

async function send(path: string, init: RequestInit & { region?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('x-csrf-token', csrfToken);
  if (init.region) headers.set('x-opentrail-region', init.region);
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  return res;
}

function remember(info: SessionInfo): SessionInfo {
  csrfToken = info.csrfToken;
  return info;
}

/** The current session, or null when nobody is signed in (or the session expired). */
export async function currentSession(): Promise<SessionInfo | null> {
  const res = await fetch('/console/api/session', { credentials: 'same-origin' });
  if (res.status === 401) return null;
  if (!res.ok) throw await failure(res);
  return remember((await res.json()) as SessionInfo);
}

export async function signIn(form: SignInForm): Promise<SessionInfo> {
  const res = await fetch('/console/api/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(form),
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const text = await res.text();
    let message = 'Sign-in failed.';
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // keep the generic message
    }
    throw new ApiError(res.status, 'AuthenticationFailed', message);
  }
  return remember((await res.json()) as SessionInfo);
}

export async function signOut(): Promise<void> {
  await send('/console/api/signout', { method: 'POST' });
  csrfToken = '';
}

/** A CloudTrail API call (awsJson 1.1), e.g. `cloudtrail('LookupEvents', {MaxResults: 50})`. */
export async function cloudtrail<T>(operation: string, input: object = {}, region?: string): Promise<T> {
  const res = await send('/console/api/aws/cloudtrail/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${operation}`,
    },
    body: JSON.stringify(input),
    ...(region ? { region } : {}),
  });
  return (await res.json()) as T;
}

/**
 * An S3 REST call on the bucket store, path-style: `s3('GET', 'my-bucket', '', {'list-type': '2'})`.
 * The answer is the raw response (XML documents, object bytes); errors become ApiError.
 */
export async function s3(
  method: 'GET' | 'PUT' | 'DELETE' | 'HEAD',
  bucket: string,
  key = '',
  query: Record<string, string> = {},
  body?: string,
  region?: string,
): Promise<Response> {
  const path = bucket === '' ? '' : `${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const qs = new URLSearchParams(query).toString();
  return send(`/console/api/aws/s3/${path}${qs ? `?${qs}` : ''}`, {
    method,
    ...(body !== undefined ? { body } : {}),
    ...(region ? { region } : {}),
  });
}

/** A parsed S3 XML answer; `all(doc, 'Contents')` style reading is left to the page. */
export async function s3Xml(...args: Parameters<typeof s3>): Promise<Document> {
  const res = await s3(...args);
  return new DOMParser().parseFromString(await res.text(), 'application/xml');
}


/** Dashboard figures over the last `hours` of event history in one region. */
export async function stats(hours = 24, region?: string): Promise<Stats> {
  const res = await send(`/console/api/stats?hours=${hours}`, region ? { region } : {});
  return (await res.json()) as Stats;
}
