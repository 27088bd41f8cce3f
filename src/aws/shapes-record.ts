/**
 * The form in which CloudTrail records show a call's input and output (`requestParameters`,
 * `responseElements`): structure members in Coral's lowerCamel, map keys as sent, sensitive
 * values replaced by `HIDDEN_DUE_TO_SECURITY_REASONS`, timestamps in the Java medium date style
 * AWS records use, blobs as base64, and an empty input as `null`.
 */
import type { MemberRef, ShapeTable } from './model-types.js';
import {
  isPlainObject,
  isSensitive,
  lowerCamel,
  setOwn,
  shapeOf,
  toBase64,
} from './shapes-common.js';

export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `value` (typed, as from `readJson` or a handler) in record form; null when there is nothing
 * to show, which is how records show calls without parameters.
 */
export function toRecordForm(
  table: ShapeTable,
  shapeName: string,
  value: unknown,
): Record<string, unknown> | null {
  if (!isPlainObject(value)) return null;
  const out = recordValue(table, { shape: shapeName }, value);
  return isPlainObject(out) && Object.keys(out).length > 0 ? out : null;
}

function recordValue(table: ShapeTable, ref: MemberRef, v: unknown): unknown {
  const shape = shapeOf(table, ref.shape);
  if (isSensitive(ref, shape)) return HIDDEN;
  switch (shape.type) {
    case 'structure': {
      if (shape.document || !isPlainObject(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const x = v[name];
        if (x !== undefined && x !== null) out[lowerCamel(name)] = recordValue(table, member, x);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(v)) return v;
      return v.map((x: unknown) => (x == null ? null : recordValue(table, shape.member, x)));
    case 'map': {
      if (!isPlainObject(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        setOwn(out, k, x == null ? null : recordValue(table, shape.value, x));
      }
      return out;
    }
    case 'timestamp':
      return v instanceof Date ? formatRecordTimestamp(v) : v;
    case 'blob':
      return v instanceof Uint8Array ? toBase64(v) : v;
    default:
      return v;
  }
}

/**
 * Timestamps inside requestParameters/responseElements are not ISO-8601: AWS renders them with
 * Java's medium US date style in UTC, e.g. a real 2025 LookupEvents record (eventTime
 * `2025-10-27T00:00:52Z`) shows `"startTime":"Oct 26, 2025, 11:50:52 PM"` and
 * `"endTime":"Oct 27, 2025, 12:00:52 AM"`. Built by hand, not with Intl: newer ICU puts a
 * narrow no-break space before AM/PM, and the output must not depend on the machine.
 */
export function formatRecordTimestamp(date: Date): string {
  const hours = date.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  const ss = String(date.getUTCSeconds()).padStart(2, '0');
  const month = MONTHS[date.getUTCMonth()] ?? '';
  const day = date.getUTCDate();
  const ampm = hours < 12 ? 'AM' : 'PM';
  return `${month} ${day}, ${date.getUTCFullYear()}, ${h12}:${mm}:${ss} ${ampm}`;
}
