/**
 * The caller's IP for `sourceIPAddress`: the socket's peer, unless that peer is a configured
 * trusted proxy, in which case X-Forwarded-For is walked from the right past trusted hops
 * (DESIGN invariant 3: nothing trusted that the client said). Likewise the scheme the client
 * used, from X-Forwarded-Proto, is believed only from a trusted proxy.
 */
import { isIP } from 'node:net';

function normalize(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

export function sourceIp(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: readonly string[],
): string {
  let ip = normalize(peer ?? '');
  if (!ip) return 'AWS Internal';
  if (!trustedProxies.includes(ip) || forwardedFor === undefined) return ip;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(normalize);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break;
    ip = hop;
    if (!trustedProxies.includes(hop)) break;
  }
  return ip;
}

/**
 * `http` or `https` as the trusted proxy `peer` says the client used; undefined from any other
 * peer, or for anything else. Of a list (proxies that append), the last entry is the one the
 * trusted peer itself added.
 */
export function forwardedProto(
  peer: string | undefined,
  header: string | string[] | undefined,
  trustedProxies: readonly string[],
): 'http' | 'https' | undefined {
  if (header === undefined || !trustedProxies.includes(normalize(peer ?? ''))) return undefined;
  const last = (Array.isArray(header) ? header.join(',') : header).split(',').pop()?.trim().toLowerCase();
  return last === 'http' || last === 'https' ? last : undefined;
}
