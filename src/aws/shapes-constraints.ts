/**
 * The constraints one value breaks (length, range, pattern, enum), worded as Coral words them,
 * and the compiled model patterns. Used by `shapes-validate.ts`, which walks the shapes.
 */
import type { NumberShape, Shape } from './model-types.js';
import { codePointLength, isPlainObject } from './shapes-common.js';

export type ConstraintKind = 'required' | 'length' | 'range' | 'enum' | 'pattern';

export interface Failure {
  kind: ConstraintKind;
  text: string;
}

function sizeOf(shape: Shape, v: unknown): number | undefined {
  if (shape.type === 'string' && typeof v === 'string') return codePointLength(v);
  if (shape.type === 'blob' && v instanceof Uint8Array) return v.byteLength;
  if (shape.type === 'list' && Array.isArray(v)) return v.length;
  if (shape.type === 'map' && isPlainObject(v)) return Object.keys(v).length;
  return undefined;
}

/** The constraints `v` breaks, in the order Coral reports them: length, pattern, enum / range. */
export function failures(shape: Shape, v: unknown): Failure[] {
  const out: Failure[] = [];
  if (isNumeric(shape)) {
    if (typeof v !== 'number' || !('max' in shape || 'min' in shape)) return out;
    if (shape.max !== undefined && v > shape.max) out.push(rangeMax(shape.max));
    if (shape.min !== undefined && v < shape.min) out.push(rangeMin(shape.min));
    return out;
  }
  if (!('min' in shape || 'max' in shape || 'pattern' in shape || 'enum' in shape)) return out;
  const size = sizeOf(shape, v);
  const max = 'max' in shape ? shape.max : undefined;
  const min = 'min' in shape ? shape.min : undefined;
  const tooLong = size !== undefined && max !== undefined && size > max;
  if (tooLong) out.push(lengthMax(max));
  if (size !== undefined && min !== undefined && size < min) out.push(lengthMin(min));
  if (shape.type !== 'string' || typeof v !== 'string') return out;
  // An over-long string is already rejected; skipping the regex keeps huge inputs cheap.
  if (shape.pattern !== undefined && !tooLong && !matches(shape.pattern, v)) {
    out.push(patternOf(shape.pattern));
  }
  if (shape.enum && !shape.enum.includes(v)) out.push(enumOf(shape.enum));
  return out;
}

/** Every constraint of a scalar shape, for Coral's aggregated `[...]` clauses. */
export function describeAll(shape: Shape): string {
  const texts: Failure[] = [];
  const numeric = isNumeric(shape);
  if ('max' in shape && shape.max !== undefined) {
    texts.push(numeric ? rangeMax(shape.max) : lengthMax(shape.max));
  }
  if ('min' in shape && shape.min !== undefined) {
    texts.push(numeric ? rangeMin(shape.min) : lengthMin(shape.min));
  }
  if (shape.type === 'string' && shape.pattern !== undefined) texts.push(patternOf(shape.pattern));
  if (shape.type === 'string' && shape.enum) texts.push(enumOf(shape.enum));
  return texts.map((t) => t.text).join(', ');
}

function isNumeric(shape: Shape): shape is NumberShape {
  const t = shape.type;
  return t === 'integer' || t === 'long' || t === 'float' || t === 'double';
}

const MUST = 'Member must';
const lengthMax = (n: number): Failure => ({
  kind: 'length',
  text: `${MUST} have length less than or equal to ${n}`,
});
const lengthMin = (n: number): Failure => ({
  kind: 'length',
  text: `${MUST} have length greater than or equal to ${n}`,
});
const rangeMax = (n: number): Failure => ({
  kind: 'range',
  text: `${MUST} have value less than or equal to ${n}`,
});
const rangeMin = (n: number): Failure => ({
  kind: 'range',
  text: `${MUST} have value greater than or equal to ${n}`,
});
const patternOf = (p: string): Failure => ({
  kind: 'pattern',
  text: `${MUST} satisfy regular expression pattern: ${p}`,
});
const enumOf = (e: readonly string[]): Failure => ({
  kind: 'enum',
  text: `${MUST} satisfy enum value set: [${e.join(', ')}]`,
});

// ---------------------------------------------------------------------------------------------
// Patterns

const compiled = new Map<string, RegExp | null>();

/**
 * Model patterns are Java regexes with search (not whole-string) semantics, as Smithy defines.
 * A leading inline-flag group like `(?s)` becomes a JS flag; the `u` flag makes Java's
 * surrogate-pair ranges (`\uD800\uDC00-\uDBFF\uDFFF`) mean code points as they do in Java.
 * A pattern JS cannot compile is not enforced: accepting beats rejecting valid input.
 */
function matches(pattern: string, v: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = compile(pattern);
    compiled.set(pattern, re);
  }
  return re === null || re.test(v);
}

function compile(pattern: string): RegExp | null {
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  const source = inline ? pattern.slice(inline[0].length) : pattern;
  const flags = inline?.[1] ?? '';
  for (const f of [`${flags}u`, flags]) {
    try {
      return new RegExp(source, f);
    } catch {
      // try the next flag set
    }
  }
  return null;
}
