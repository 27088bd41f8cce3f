/**
 * Request timestamps: parsing the ISO-8601 basic form SigV4 uses (20150830T123600Z) and the HTTP
 * date a `Date` header may carry, formatting back to the basic form, and the 15-minute window AWS
 * allows between the request time and its own clock.
 */

export const MAX_SKEW_MS = 15 * 60 * 1000;

const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ms since epoch, or undefined when the fields do not name a real instant (e.g. 20150230). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  return date.getTime();
}

export function parseIsoBasic(value: string): number | undefined {
  const m = ISO_BASIC.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return utc(y, mo, d, h, mi, s);
}

/** A `Date` header: the IMF-fixdate HTTP form, or the ISO basic form some clients put there. */
export function parseDateHeader(value: string): number | undefined {
  const iso = parseIsoBasic(value);
  if (iso !== undefined) return iso;
  const m = HTTP_DATE.exec(value);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2] as string) + 1;
  return utc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** 20150830T123600Z, seconds truncated. */
export function formatIsoBasic(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}
