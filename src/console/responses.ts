/**
 * What every console answer carries, and the JSON answers of its API. The console's pages come
 * from this server only (no CDN): the Content-Security-Policy allows nothing else, forbids
 * framing (clickjacking) and leaves inline styles to the component library. API errors are
 * `{code, message}` JSON, the shape src/console/web/api.ts reads.
 */
import type { IncomingMessage } from 'node:http';
import type { ConnectionInfo, HttpResponse } from '../aws/service.js';

const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/** Headers on every console response, pages, assets and API alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpResponse {
  return jsonResponse(status, { code, message }, headers);
}

export function noContent(headers: Record<string, string> = {}): HttpResponse {
  return { status: 204, headers: { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers }, body: '' };
}

/** The Host header, or '' (HTTP/1.1 requires one; node accepts requests without). */
export function hostOf(req: IncomingMessage): string {
  return req.headers.host ?? '';
}

/**
 * The scheme the browser used: a trusted proxy's X-Forwarded-Proto when it sent one (it may
 * terminate TLS in front of a plain-http server, or the reverse), else this connection's.
 */
export function schemeOf(conn: ConnectionInfo): 'http' | 'https' {
  return conn.forwardedProto ?? (conn.tls ? 'https' : 'http');
}

/**
 * `scheme://host` as the browser addressed this server: what a same-origin Origin header says.
 * The Host header is taken as sent: a proxy in front of OpenTrail must pass it through anyway,
 * since SigV4 signatures cover it (so X-Forwarded-Host is not consulted).
 */
export function originOf(req: IncomingMessage, conn: ConnectionInfo): string {
  return `${schemeOf(conn)}://${hostOf(req)}`;
}
