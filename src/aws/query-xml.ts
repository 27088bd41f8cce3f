/**
 * Writing awsQuery responses (IAM, STS) as botocore's QueryParser and the AWS SDKs read them:
 * `<{Op}Response><{Op}Result>members in model order</{Op}Result><ResponseMetadata>...`, lists as
 * `<member>` children (or repeated elements when flattened), maps as `<entry><key/><value/>`,
 * ISO-8601 timestamps, and the `<ErrorResponse>` document for errors.
 */
import type { MemberRef, ShapeTable } from './model-types.js';
import { isPlainObject, shapeOf, toBase64 } from './shapes-common.js';
import { xmlDocument, type XmlField, type XmlValue } from './xml.js';

/** The whole success document; `output` undefined writes no Result element. */
export function queryResponse(
  namespace: string,
  operation: string,
  requestId: string,
  result?: { table: ShapeTable; shape: string; value: unknown },
): string {
  const fields: XmlField[] = [];
  if (result) fields.push([`${operation}Result`, structureFields(result.table, result.shape, result.value)]);
  fields.push(['ResponseMetadata', [['RequestId', requestId]]]);
  return xmlDocument(`${operation}Response`, fields, namespace);
}

export function queryErrorResponse(
  namespace: string,
  error: { type: 'Sender' | 'Receiver'; code: string; message: string },
  requestId: string,
): string {
  const fields: XmlField[] = [
    ['Error', [['Type', error.type], ['Code', error.code], ['Message', error.message]]],
    ['RequestId', requestId],
  ];
  return xmlDocument('ErrorResponse', fields, namespace);
}

/** A structure's members in model order; null/undefined and unmodeled keys are left out. */
function structureFields(table: ShapeTable, shapeName: string, v: unknown): XmlField[] {
  const shape = shapeOf(table, shapeName);
  if (shape.type !== 'structure') throw new Error(`query output ${shapeName} is not a structure`);
  if (!isPlainObject(v)) return [];
  const out: XmlField[] = [];
  for (const [name, ref] of Object.entries(shape.members)) {
    const x = v[name];
    if (x !== undefined && x !== null) out.push(...memberFields(table, ref, ref.locationName ?? name, x));
  }
  return out;
}

/** One member as elements: usually one, several for a flattened list or map. */
function memberFields(table: ShapeTable, ref: MemberRef, name: string, v: unknown): XmlField[] {
  const shape = shapeOf(table, ref.shape);
  switch (shape.type) {
    case 'structure':
      return [[name, structureFields(table, ref.shape, v)]];
    case 'list': {
      if (!Array.isArray(v)) throw new Error(`query output ${name} must be an array`);
      const elements = v.filter((x: unknown) => x !== null && x !== undefined);
      if (shape.flattened || ref.flattened) {
        const each = shape.member.locationName ?? name;
        return elements.flatMap((x: unknown) => memberFields(table, shape.member, each, x));
      }
      const each = shape.member.locationName ?? 'member';
      return [[name, elements.flatMap((x: unknown) => memberFields(table, shape.member, each, x))]];
    }
    case 'map': {
      if (!isPlainObject(v)) throw new Error(`query output ${name} must be an object (map)`);
      const keyName = shape.key.locationName ?? 'key';
      const valueName = shape.value.locationName ?? 'value';
      const entries = Object.entries(v)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([k, x]): XmlField[] => [[keyName, k], ...memberFields(table, shape.value, valueName, x)]);
      if (shape.flattened || ref.flattened) return entries.map((e): XmlField => [name, e]);
      return [[name, entries.map((e): XmlField => ['entry', e])]];
    }
    default:
      return [[name, scalarText(shape.type, v)]];
  }
}

function scalarText(type: string, v: unknown): XmlValue {
  if (type === 'timestamp') return isoTimestamp(v);
  if (type === 'blob') return v instanceof Uint8Array ? toBase64(v) : toBase64(Buffer.from(String(v)));
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  throw new Error(`query output value of type ${type} is a ${typeof v}`);
}

/**
 * ISO 8601 in UTC as IAM writes it (`2026-12-07T20:00:00Z`); STS keeps milliseconds when a
 * time has them (`Expiration`), so a fraction is written only when it is not zero.
 */
export function isoTimestamp(v: unknown): string {
  const date = v instanceof Date ? v : typeof v === 'number' ? new Date(Math.round(v * 1000)) : new Date(String(v));
  if (!Number.isFinite(date.getTime())) throw new Error(`query output: invalid timestamp ${String(v)}`);
  return date.toISOString().replace('.000Z', 'Z');
}
