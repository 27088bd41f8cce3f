/**
 * S3's XML on the wire, both ways: `xmlDocument` writes response documents (in the S3
 * namespace, elements in the order given) and `parseXml` reads the small request documents
 * (CreateBucketConfiguration, Delete, CompleteMultipartUpload). The reader understands what
 * those documents use — elements, text, attributes, the predefined and numeric entities,
 * comments, CDATA, an XML declaration — and rejects anything it cannot read as MalformedXML;
 * it never resolves DTDs or external entities.
 */
import { S3Errors } from './errors.js';
import { xmlDocument as genericXmlDocument, type XmlField } from '../../aws/xml.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export { escapeXml, type XmlField, type XmlValue } from '../../aws/xml.js';

/** A complete response document; results carry the S3 namespace on their root, <Error> does not. */
export function xmlDocument(root: string, fields: readonly XmlField[] | string, namespace = true): string {
  return genericXmlDocument(root, fields, namespace ? S3_NAMESPACE : undefined);
}

/** A parsed element: local name (prefix dropped), attributes, children and its own text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** The children named `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The text of the first child named `name`, or undefined. */
export function childText(el: XmlElement, name: string): string | undefined {
  return el.children.find((c) => c.name === name)?.text;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ATTRIBUTE = /^\s+([A-Za-z_:][A-Za-z0-9_.:-]*)\s*=\s*("[^"<]*"|'[^'<]*')/;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw S3Errors.malformedXml();
    const named = NAMED_ENTITIES[ref];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (!Number.isInteger(code) || code > 0x10ffff) throw S3Errors.malformedXml();
    return String.fromCodePoint(code);
  });
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/** Reads a tag at `pos` (just after '<'); returns the element and where the tag ends. */
function readTag(doc: string, pos: number): { el: XmlElement; end: number; selfClosing: boolean } {
  const name = NAME.exec(doc.slice(pos, pos + 256))?.[0];
  if (!name) throw S3Errors.malformedXml();
  let i = pos + name.length;
  const attributes: Record<string, string> = {};
  for (;;) {
    const m = ATTRIBUTE.exec(doc.slice(i, i + 4096));
    if (!m) break;
    attributes[m[1]!] = decodeEntities(m[2]!.slice(1, -1));
    i += m[0].length;
  }
  while (/\s/.test(doc[i] ?? '')) i++;
  const selfClosing = doc.startsWith('/>', i);
  if (!selfClosing && doc[i] !== '>') throw S3Errors.malformedXml();
  return { el: { name: localName(name), attributes, children: [], text: '' }, end: i + (selfClosing ? 2 : 1), selfClosing };
}

/** Skips markup that carries no data: declarations, comments, processing instructions. */
function skipMarkup(doc: string, pos: number): number | undefined {
  const forms: [string, string][] = [['<?', '?>'], ['<!--', '-->']];
  for (const [open, close] of forms) {
    if (!doc.startsWith(open, pos)) continue;
    const end = doc.indexOf(close, pos + open.length);
    if (end < 0) throw S3Errors.malformedXml();
    return end + close.length;
  }
  if (doc.startsWith('<!', pos) && !doc.startsWith('<![CDATA[', pos)) throw S3Errors.malformedXml(); // DTDs
  return undefined;
}

/** Parses one document into its root element; MalformedXML when it is not well-formed. */
export function parseXml(doc: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  while (pos < doc.length) {
    const lt = doc.indexOf('<', pos);
    const text = doc.slice(pos, lt < 0 ? doc.length : lt);
    if (stack.length > 0) stack[stack.length - 1]!.text += decodeEntities(text);
    else if (text.trim() !== '') throw S3Errors.malformedXml();
    if (lt < 0) break;
    const skipped = skipMarkup(doc, lt);
    if (skipped !== undefined) {
      pos = skipped;
    } else if (doc.startsWith('<![CDATA[', lt)) {
      const end = doc.indexOf(']]>', lt);
      if (end < 0 || stack.length === 0) throw S3Errors.malformedXml();
      stack[stack.length - 1]!.text += doc.slice(lt + 9, end);
      pos = end + 3;
    } else if (doc[lt + 1] === '/') {
      const end = doc.indexOf('>', lt);
      const open = stack.pop();
      if (end < 0 || !open || localName(doc.slice(lt + 2, end).trim()) !== open.name) throw S3Errors.malformedXml();
      pos = end + 1;
    } else {
      const { el, end, selfClosing } = readTag(doc, lt + 1);
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else if (root) throw S3Errors.malformedXml();
      else root = el;
      if (!selfClosing) stack.push(el);
      pos = end;
    }
  }
  if (!root || stack.length > 0) throw S3Errors.malformedXml();
  return root;
}
