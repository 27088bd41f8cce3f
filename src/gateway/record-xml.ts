/**
 * Reads an XML answer (awsQuery `<XResult>`, ec2 `<XResponse>`) into the typed values a model
 * shape describes, by the rules botocore's XML parser follows: members by `locationName` or
 * name, lists wrapped in `<member>` elements (or the list member's `locationName`) unless
 * flattened, maps as `<entry><key/><value/></entry>`, ISO-8601 or epoch timestamps, base64 blobs.
 * Elements the model does not name are ignored; a value that does not read is left out.
 */
import type { MemberRef, ShapeTable } from '../aws/model-types.js';
import { parseIsoDateTime } from '../aws/shapes-json.js';
import { setOwn, shapeOf } from '../aws/shapes-common.js';
import type { XmlElement } from '../services/s3/xml.js';

export function readXmlValue(table: ShapeTable, ref: MemberRef, el: XmlElement): unknown {
  const shape = shapeOf(table, ref.shape);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const value = readMember(table, name, member, el);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'list': {
      const itemName = shape.member.locationName ?? 'member';
      return el.children.filter((c) => c.name === itemName).map((c) => readXmlValue(table, shape.member, c));
    }
    case 'map':
      return readEntries(table, shape.key, shape.value, el.children.filter((c) => c.name === 'entry'));
    default:
      return readScalar(shape.type, el.text);
  }
}

function readMember(table: ShapeTable, name: string, ref: MemberRef, parent: XmlElement): unknown {
  const shape = shapeOf(table, ref.shape);
  const wire = ref.locationName ?? name;
  const flattened = (shape.type === 'list' || shape.type === 'map') && (shape.flattened === true || ref.flattened === true);
  if (flattened && shape.type === 'list') {
    const itemName = shape.member.locationName ?? wire;
    const items = parent.children.filter((c) => c.name === itemName);
    return items.length === 0 ? undefined : items.map((c) => readXmlValue(table, shape.member, c));
  }
  if (flattened && shape.type === 'map') {
    const entries = parent.children.filter((c) => c.name === wire);
    return entries.length === 0 ? undefined : readEntries(table, shape.key, shape.value, entries);
  }
  const child = parent.children.find((c) => c.name === wire);
  return child === undefined ? undefined : readXmlValue(table, ref, child);
}

function readEntries(table: ShapeTable, key: MemberRef, value: MemberRef, entries: XmlElement[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keyName = key.locationName ?? 'key';
  const valueName = value.locationName ?? 'value';
  for (const entry of entries) {
    const k = entry.children.find((c) => c.name === keyName)?.text;
    const v = entry.children.find((c) => c.name === valueName);
    if (k !== undefined && v !== undefined) setOwn(out, k, readXmlValue(table, value, v));
  }
  return out;
}

function readScalar(type: string, text: string): unknown {
  switch (type) {
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? undefined : n;
    }
    case 'boolean':
      return text.trim() === 'true';
    case 'timestamp': {
      const t = text.trim();
      const ms = /^[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) * 1000 : parseIsoDateTime(t);
      return Number.isFinite(ms) ? new Date(ms) : undefined;
    }
    case 'blob':
      return new Uint8Array(Buffer.from(text, 'base64'));
    default:
      return text;
  }
}
