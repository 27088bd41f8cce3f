/**
 * Small helpers shared by the generic shape walkers (`shapes-json.ts`, `shapes-validate.ts`,
 * `shapes-record.ts`): shape lookup, member-name casing, safe object building.
 */
import type { MemberRef, Shape, ShapeTable } from './model-types.js';

/** The shape a reference points at; a missing shape is a bug in the model or the caller. */
export function shapeOf(table: ShapeTable, name: string): Shape {
  const shape = table[name];
  if (!shape) throw new Error(`unknown shape ${name}`);
  return shape;
}

export function isSensitive(ref: MemberRef, shape: Shape): boolean {
  return shape.sensitive === true || ref.sensitive === true;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) &&
    !(v instanceof Uint8Array);
}

/**
 * Coral's member naming, used in validation paths and in record requestParameters: only the
 * first letter is lower-cased (`S3BucketName` → `s3BucketName`, `TrailARN` → `trailARN`,
 * `SAMLOptions` → `sAMLOptions`, as AWS's own messages show).
 */
export function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Sets an own enumerable property even for keys like `__proto__`, which plain assignment would
 * turn into a prototype change (map keys come from the client).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Length in Unicode code points (what AWS length constraints count), without allocating. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
