/**
 * XML writing shared by the XML protocols (S3's restXml, IAM/STS's awsQuery): escaping, elements
 * from ordered field lists, and whole response documents. Protocol rules (namespaces, which
 * element wraps what) stay with each protocol; this knows only XML.
 */

/** A value or a list of child fields; `undefined` leaves the element out. */
export type XmlValue = string | number | boolean | undefined | XmlField[];
/** One element: repeated elements are repeated fields. */
export type XmlField = readonly [name: string, value: XmlValue];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes markup and writes control characters as numeric references (S3 keys may hold them). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16)};`);
}

/** The elements for `fields`, in the order given. */
export function writeFields(fields: readonly XmlField[]): string {
  let out = '';
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    const inner = Array.isArray(value) ? writeFields(value) : escapeXml(String(value));
    out += `<${name}>${inner}</${name}>`;
  }
  return out;
}

/** A complete document: declaration, then `root` (in `namespace` when given) around `fields`. */
export function xmlDocument(root: string, fields: readonly XmlField[] | string, namespace?: string): string {
  const inner = typeof fields === 'string' ? escapeXml(fields) : writeFields(fields);
  const xmlns = namespace !== undefined ? ` xmlns="${escapeXml(namespace)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${inner}</${root}>`;
}
