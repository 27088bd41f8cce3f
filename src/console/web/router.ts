/**
 * Hash routes of the console (`#/events?…`): the server only ever serves one page, and a
 * bookmarked or reloaded address still lands on the right view. Every page component gets
 * PageProps; the app shell (app.tsx) maps a path to a page.
 */
import type { SessionInfo } from './api.js';

export interface Route {
  /** Path segments after `#/`, decoded: `#/trails/my%20trail/edit` → ['trails', 'my trail', 'edit']. */
  segments: string[];
  query: URLSearchParams;
}

export interface PageProps {
  session: SessionInfo;
  route: Route;
  /** Goes to another console address, e.g. navigate(`#/trails/${encodeURIComponent(name)}`). */
  navigate(hash: string): void;
}

export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = q < 0 ? body : body.slice(0, q);
  return {
    segments: path.split('/').filter((s) => s !== '').map(decodeURIComponent),
    query: new URLSearchParams(q < 0 ? '' : body.slice(q + 1)),
  };
}

/** `#/a/b?x=1` from segments and query values (empty values are left out). */
export function href(segments: string[], query: Record<string, string | undefined> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${s ? `?${s}` : ''}`;
}
