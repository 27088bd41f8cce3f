/**
 * The dashboard's figures as `/console/api/stats` sends them: one shape for the server that
 * builds them (stats.ts) and the page that draws them (web/api.ts). No imports, so the browser
 * bundle can take it too.
 */
export interface Stats {
  /** One entry per hour, oldest first: the hour's start (ms), its events and its failed calls. */
  hours: Array<{ start: number; events: number; errors: number }>;
  topEventNames: Array<{ name: string; count: number }>;
  topUsers: Array<{ name: string; count: number }>;
  total: number;
  errors: number;
}
