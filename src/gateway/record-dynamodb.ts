/**
 * DynamoDB's records never carry item data (its guide: non-key attribute values "will not appear
 * in logs of actions using the classic API"). Its documented PutItem record shows the key as
 * plain values (`"key": {"Artist": "No One You Know"}`), the item as the list of its attribute
 * names (`"item": ["Artist", "SongTitle", "AlbumTitle"]`), and no `expressionAttributeValues`.
 * This rewrites a typed DynamoDB input that way before it is put in record form: maps of
 * AttributeValue named like keys are flattened, `Item` becomes its names, and every other
 * attribute value (expression values, conditions, updates) is dropped.
 */
import type { MemberRef, ShapeTable } from '../aws/model-types.js';
import { isPlainObject, setOwn, shapeOf, toBase64 } from '../aws/shapes-common.js';

const ATTRIBUTE_VALUE = 'AttributeValue';
/** Members whose maps of AttributeValue are primary keys (records show them). */
const KEY_MEMBERS = new Set(['Key', 'Keys', 'ExclusiveStartKey', 'LastEvaluatedKey']);

export function withoutItemData(table: ShapeTable, shapeName: string, input: Record<string, unknown>): Record<string, unknown> {
  return scrubStructure(table, shapeName, input);
}

function scrubStructure(table: ShapeTable, shapeName: string, v: Record<string, unknown>): Record<string, unknown> {
  const shape = shapeOf(table, shapeName);
  if (shape.type !== 'structure') return v;
  const out: Record<string, unknown> = {};
  for (const [name, x] of Object.entries(v)) {
    const ref = shape.members[name];
    if (!ref) continue;
    const scrubbed = scrubMember(table, name, ref, x);
    if (scrubbed !== undefined) out[name] = scrubbed;
  }
  return out;
}

function scrubMember(table: ShapeTable, name: string, ref: MemberRef, v: unknown): unknown {
  if (holdsAttributeValues(table, ref.shape)) {
    if (KEY_MEMBERS.has(name)) return mapEach(v, (key) => (isPlainObject(key) ? flattenKey(key) : undefined));
    if (name === 'Item' && isPlainObject(v)) return Object.keys(v);
    return undefined;
  }
  return scrubValue(table, ref.shape, v);
}

/** Walks lists and maps down to the structures inside them. */
function scrubValue(table: ShapeTable, shapeName: string, v: unknown): unknown {
  const shape = shapeOf(table, shapeName);
  switch (shape.type) {
    case 'structure':
      return isPlainObject(v) ? scrubStructure(table, shapeName, v) : v;
    case 'list':
      return Array.isArray(v) ? v.map((x: unknown) => scrubValue(table, shape.member.shape, x)) : v;
    case 'map': {
      if (!isPlainObject(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) setOwn(out, k, scrubValue(table, shape.value.shape, x));
      return out;
    }
    default:
      return v;
  }
}

/** A single key map, or each of a list of them (BatchGetItem's Keys). */
function mapEach(v: unknown, f: (key: unknown) => unknown): unknown {
  return Array.isArray(v) ? v.map(f) : f(v);
}

/** True for AttributeValue itself and for maps/lists of it (an item, a key, expression values). */
function holdsAttributeValues(table: ShapeTable, shapeName: string, depth = 0): boolean {
  if (shapeName === ATTRIBUTE_VALUE) return true;
  const shape = table[shapeName];
  if (!shape || depth > 2) return false;
  if (shape.type === 'map') return holdsAttributeValues(table, shape.value.shape, depth + 1);
  if (shape.type === 'list') return holdsAttributeValues(table, shape.member.shape, depth + 1);
  return false;
}

/** `{"Artist": {"S": "No One"}}` → `{"Artist": "No One"}`; key attributes are S, N or B. */
function flattenKey(key: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, av] of Object.entries(key)) {
    if (!isPlainObject(av)) continue;
    const [first] = Object.values(av);
    setOwn(out, name, first instanceof Uint8Array ? toBase64(first) : first);
  }
  return out;
}
