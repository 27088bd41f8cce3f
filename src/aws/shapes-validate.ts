/**
 * Model constraint checking (required, length, range, enum, pattern) for typed values produced
 * by `readJson`, and the ValidationException AWS's Coral front-end builds from the violations:
 * `N validation errors detected: Value 'x' at 'a.1.member.b' failed to satisfy constraint: ...`.
 * Paths use Coral's lowerCamel member names and 1-based `.N.member` list steps.
 */
import { AwsError, CommonErrors } from './errors.js';
import type { MemberRef, Shape, ShapeTable } from './model-types.js';
import { isPlainObject, isSensitive, lowerCamel, shapeOf } from './shapes-common.js';
import { describeAll, failures, type ConstraintKind, type Failure } from './shapes-constraints.js';
import { clause } from './shapes-messages.js';

export type { ConstraintKind } from './shapes-constraints.js';

export interface Violation {
  /** Coral path, e.g. `lookupAttributes.1.member.attributeValue`. */
  path: string;
  /** Modeled member names from the top; list indexes (0-based) and map keys as strings. */
  memberPath: string[];
  constraint: ConstraintKind;
  /** One Coral-worded clause: `Value '...' at '<path>' failed to satisfy constraint: ...`. */
  message: string;
}

/** At most this many violations are spelled out in one ValidationException. */
const MAX_LISTED = 10;

interface Walk {
  table: ShapeTable;
  out: Violation[];
}

/** Every constraint violation in `value` (a typed value of shape `shapeName`), in model order. */
export function validate(table: ShapeTable, shapeName: string, value: unknown): Violation[] {
  const walk: Walk = { table, out: [] };
  check(walk, { shape: shapeName }, value, '', []);
  return walk.out;
}

/** The ValidationException for a non-empty list of violations. */
export function validationError(violations: readonly Violation[]): AwsError {
  const n = violations.length;
  const listed = violations.slice(0, MAX_LISTED).map((v) => v.message);
  return CommonErrors.validation(
    `${n} validation error${n === 1 ? '' : 's'} detected: ${listed.join('; ')}`,
  );
}

function check(w: Walk, ref: MemberRef, v: unknown, path: string, memberPath: string[]): void {
  if (v === undefined || v === null) return;
  const shape = shapeOf(w.table, ref.shape);
  const add: Add = (f, hidden = false) => {
    const message = clause(hidden || isSensitive(ref, shape) ? undefined : v, path, f.text, true);
    w.out.push({ path, memberPath, constraint: f.kind, message });
  };
  switch (shape.type) {
    case 'structure':
      if (!shape.document && isPlainObject(v)) {
        checkStructure(w, shape.members, shape.required, v, path, memberPath);
      }
      return;
    case 'list':
      if (!Array.isArray(v)) return;
      failures(shape, v).forEach((f) => add(f));
      checkElements(w, shape.member, v, path, memberPath, add);
      return;
    case 'map':
      if (!isPlainObject(v)) return;
      failures(shape, v).forEach((f) => add(f));
      checkEntries(w, shape.key, shape.value, v, path, memberPath, add);
      return;
    default:
      failures(shape, v).forEach((f) => add(f));
  }
}

function checkStructure(
  w: Walk,
  members: Readonly<Record<string, MemberRef>>,
  required: readonly string[] | undefined,
  v: Record<string, unknown>,
  path: string,
  memberPath: string[],
): void {
  for (const [name, ref] of Object.entries(members)) {
    const at = path === '' ? lowerCamel(name) : `${path}.${lowerCamel(name)}`;
    const x = v[name];
    if ((x === undefined || x === null) && required?.includes(name)) {
      const message = clause(null, at, 'Member must not be null', false);
      w.out.push({ path: at, memberPath: [...memberPath, name], constraint: 'required', message });
    } else {
      check(w, ref, x, at, [...memberPath, name]);
    }
  }
}

/** Reports a failure of the value being checked; `hidden` when an element is sensitive. */
type Add = (f: Failure, hidden?: boolean) => void;

/**
 * Aggregate shapes (structures, lists, maps) inside a list are checked element by element at
 * `<list>.<n>.member`; scalar elements are reported once for the whole list, as Coral does:
 * `Member must satisfy constraint: [<every constraint of the element shape>]`.
 */
function checkElements(
  w: Walk,
  ref: MemberRef,
  v: unknown[],
  path: string,
  mp: string[],
  add: Add,
): void {
  const element = shapeOf(w.table, ref.shape);
  if (isAggregate(element)) {
    v.forEach((x, i) => check(w, ref, x, `${path}.${i + 1}.member`, [...mp, String(i)]));
    return;
  }
  const first = firstFailure(element, v);
  if (first) {
    const text = `Member must satisfy constraint: [${describeAll(element)}]`;
    add({ kind: first.kind, text }, isSensitive(ref, element));
  }
}

function firstFailure(shape: Shape, values: Iterable<unknown>): Failure | undefined {
  for (const x of values) {
    const f = x === null || x === undefined ? undefined : failures(shape, x)[0];
    if (f) return f;
  }
  return undefined;
}

/** Map keys and scalar values are reported on the map (`Map keys must satisfy constraint: ...`). */
function checkEntries(
  w: Walk,
  keyRef: MemberRef,
  valueRef: MemberRef,
  v: Record<string, unknown>,
  path: string,
  mp: string[],
  add: Add,
): void {
  const keyShape = shapeOf(w.table, keyRef.shape);
  const badKey = firstFailure(keyShape, Object.keys(v));
  if (badKey) {
    const text = `Map keys must satisfy constraint: [${describeAll(keyShape)}]`;
    add({ kind: badKey.kind, text }, isSensitive(keyRef, keyShape));
  }
  const valueShape = shapeOf(w.table, valueRef.shape);
  if (isAggregate(valueShape)) {
    for (const [k, x] of Object.entries(v)) check(w, valueRef, x, `${path}.${k}`, [...mp, k]);
    return;
  }
  const bad = firstFailure(valueShape, Object.values(v));
  if (bad) {
    const text = `Map value must satisfy constraint: [${describeAll(valueShape)}]`;
    add({ kind: bad.kind, text }, isSensitive(valueRef, valueShape));
  }
}

function isAggregate(shape: Shape): boolean {
  return shape.type === 'structure' || shape.type === 'list' || shape.type === 'map';
}
