/**
 * The caller's IP for `sourceIPAddress`: the socket's peer, unless that peer is a configured
 * trusted proxy, in which case X-Forwarded-For is walked from the right past trusted hops
 * (DESIGN invariant 3: nothing trusted that the client said).
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
