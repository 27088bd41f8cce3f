/**
 * The dashboard's figures (`GET /console/api/stats?hours=N`): events and failed calls per hour,
 * the top event names and users, over the session account's event history in one region. The
 * hours are whole clock hours ending with the current one (a chart's buckets line up with the
 * clock), so the window reaches back N-1 full hours before the hour now under way. Allowed to
 * whoever may call LookupEvents, and not itself recorded: it is a view of event history.
 * The answer has the `Stats` shape the page reads (stats-shape.ts).
 */
import type { ServiceContext } from '../aws/service.js';
import type { Stats } from './stats-shape.js';

const HOUR_MS = 3_600_000;
const TOP = 10;
export const MAX_HOURS = 168;
export const DEFAULT_HOURS = 24;

/** `hours` from the query string: an integer 1..MAX_HOURS, DEFAULT_HOURS when absent. */
export function parseHours(value: string | null): number | undefined {
  if (value === null) return DEFAULT_HOURS;
  if (!/^\d{1,3}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= MAX_HOURS ? n : undefined;
}

export async function consoleStats(ctx: ServiceContext, q: { accountId: string; region: string; hours: number }): Promise<Stats> {
  const now = ctx.clock.now();
  const first = Math.floor(now / HOUR_MS) * HOUR_MS - (q.hours - 1) * HOUR_MS;
  const summary = await ctx.eventLog.summarize({
    accountId: q.accountId,
    region: q.region,
    category: 'management',
    startTimeMs: first,
    endTimeMs: now,
    bucketMs: HOUR_MS,
    top: TOP,
  });
  const byStart = new Map(summary.buckets.map((b) => [b.startMs, b]));
  const hours = Array.from({ length: q.hours }, (_, i) => {
    const start = first + i * HOUR_MS;
    const b = byStart.get(start);
    return { start, events: b?.events ?? 0, errors: b?.errors ?? 0 };
  });
  return {
    hours,
    topEventNames: summary.topEventNames,
    topUsers: summary.topUsers,
    total: hours.reduce((n, h) => n + h.events, 0),
    errors: hours.reduce((n, h) => n + h.errors, 0),
  };
}
