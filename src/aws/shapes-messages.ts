/**
 * Coral's violation clause (`Value '<v>' at '<path>' failed to satisfy constraint: ...`) with a
 * bounded, Java-toString-like echo of the offending value.
 */
import { isPlainObject, toBase64 } from './shapes-common.js';

/** Longest echo of a value in a message; huge inputs must not make huge errors. */
const MAX_ECHO = 64;

/** `Value '<v>' at '<path>' ...`; `Value at` for a sensitive value; `Value null` if absent. */
export function clause(v: unknown, path: string, text: string, quoted: boolean): string {
  if (v === undefined) return `Value at '${path}' failed to satisfy constraint: ${text}`;
  const shown = v === null ? 'null' : quoted ? `'${show(v)}'` : String(v);
  return `Value ${shown} at '${path}' failed to satisfy constraint: ${text}`;
}

/** A Java-toString-like echo of a value, cut at MAX_ECHO characters without walking it all. */
function show(v: unknown): string {
  const out = render(v, MAX_ECHO + 1);
  return out.length > MAX_ECHO ? `${cut(out, MAX_ECHO)}...` : out;
}

function render(v: unknown, budget: number): string {
  if (typeof v === 'string') return v.length > budget ? cut(v, budget) : v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return render(toBase64(v.subarray(0, budget)), budget);
  if (Array.isArray(v)) {
    // Every element takes at least one character, so `budget` elements are always enough.
    return renderParts(v.slice(0, budget), '[', ']', budget, (x, b) => render(x, b));
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v).slice(0, budget);
    return renderParts(keys, '{', '}', budget, (k, b) => `${k}=${render(v[k], b)}`);
  }
  return String(v);
}

function renderParts<T>(
  items: readonly T[],
  open: string,
  close: string,
  budget: number,
  one: (item: T, budget: number) => string,
): string {
  let out = open;
  for (const [i, item] of items.entries()) {
    if (out.length > budget) break;
    out += (i > 0 ? ', ' : '') + one(item, budget - out.length);
  }
  return out + close;
}

/** Cuts at `n` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
