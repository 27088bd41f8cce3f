/**
 * Slows password and key guessing through the console: a source IP with MAX_FAILURES failed
 * sign-ins inside WINDOW_MS is refused (429, with Retry-After) until the oldest of them leaves the
 * window. A refused attempt is not checked, so it is not recorded either: what the account's
 * history shows is the failures that reached the check. Kept in memory on the injected clock; an
 * IP's list is forgotten once its failures are all outside the window, so the map holds only
 * addresses that failed recently.
 */
import type { Clock } from '../lib/clock.js';

export const MAX_FAILURES = 10;
export const WINDOW_MS = 5 * 60_000;
/** Above this many addresses, a failure also sweeps out every stale one. */
const SWEEP_ABOVE = 10_000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Seconds until `ip` may try again, or undefined when it may try now. */
  retryAfterSeconds(ip: string): number | undefined {
    const recent = this.recent(ip);
    if (recent.length < MAX_FAILURES) return undefined;
    return Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - this.clock.now()) / 1000));
  }

  failed(ip: string): void {
    if (this.failures.size > SWEEP_ABOVE) for (const key of [...this.failures.keys()]) this.recent(key);
    this.failures.set(ip, [...this.recent(ip), this.clock.now()]);
  }

  succeeded(ip: string): void {
    this.failures.delete(ip);
  }

  /** The failures of `ip` still inside the window, oldest first (and the list pruned to them). */
  private recent(ip: string): number[] {
    const since = this.clock.now() - WINDOW_MS;
    const kept = (this.failures.get(ip) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(ip);
    else this.failures.set(ip, kept);
    return kept;
  }
}
