/**
 * S3's XML both ways: the response writer (namespace, order, escaping, omitted members) and the
 * request reader (the forms S3 clients send, and everything malformed refused as MalformedXML).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { childrenNamed, childText, escapeXml, parseXml, S3_NAMESPACE, xmlDocument } from '../../src/services/s3/xml.js';
import { S3Error } from '../../src/services/s3/errors.js';

describe('xmlDocument', () => {
  test('writes fields in order, in the S3 namespace, leaving undefined members out', () => {
    const doc = xmlDocument('ListBucketResult', [
      ['Name', 'b'],
      ['Prefix', ''],
      ['NextMarker', undefined],
      ['IsTruncated', false],
      ['Contents', [['Key', 'a'], ['Size', 3]]],
      ['Contents', [['Key', 'b'], ['Size', 0]]],
    ]);
    assert.equal(
      doc,
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NAMESPACE}"><Name>b</Name><Prefix></Prefix>` +
        '<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>3</Size></Contents><Contents><Key>b</Key><Size>0</Size></Contents></ListBucketResult>',
    );
  });

  test('a text root, and <Error> without a namespace', () => {
    assert.match(xmlDocument('LocationConstraint', 'eu-west-1'), /<LocationConstraint xmlns="[^"]+">eu-west-1<\/LocationConstraint>$/);
    assert.match(xmlDocument('Error', [['Code', 'X']], false), /<Error><Code>X<\/Code><\/Error>$/);
  });

  test('escapes markup and control characters', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
    assert.equal(escapeXml('k\u0001\ttab'), 'k&#x1;\ttab');
  });
});

describe('parseXml', () => {
  test('reads a CompleteMultipartUpload with a declaration, namespace and whitespace', () => {
    const doc = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="${S3_NAMESPACE}">\n` +
        '  <Part><ETag>"abc"</ETag><PartNumber>1</PartNumber></Part>\n  <Part><PartNumber>2</PartNumber><ETag>&quot;def&quot;</ETag></Part>\n' +
        '</CompleteMultipartUpload>',
    );
    assert.equal(doc.name, 'CompleteMultipartUpload');
    assert.equal(doc.attributes.xmlns, S3_NAMESPACE);
    const parts = childrenNamed(doc, 'Part');
    assert.deepEqual(parts.map((p) => [childText(p, 'PartNumber'), childText(p, 'ETag')]), [['1', '"abc"'], ['2', '"def"']]);
  });

  test('entities, CDATA, comments, self-closing elements and prefixes', () => {
    const doc = parseXml("<s3:Delete xmlns:s3='x'><!-- c --><Object><Key>a&amp;b&#x41;&#66;<![CDATA[<raw>]]></Key><VersionId/></Object></s3:Delete>");
    assert.equal(doc.name, 'Delete');
    const object = childrenNamed(doc, 'Object')[0]!;
    assert.equal(childText(object, 'Key'), 'a&bAB<raw>');
    assert.equal(childText(object, 'VersionId'), '');
  });

  for (const [what, text] of [
    ['empty', ''],
    ['text only', 'hello'],
    ['unclosed', '<Delete><Object>'],
    ['mismatched', '<Delete></Object>'],
    ['two roots', '<A/><B/>'],
    ['bad entity', '<A>&bogus;</A>'],
    ['bare ampersand', '<A>a & b</A>'],
    ['DTD', '<!DOCTYPE a [<!ENTITY x "y">]><A>&x;</A>'],
    ['garbage tag', '<1A></1A>'],
    ['trailing text', '<A></A>junk'],
  ] as const) {
    test(`refuses ${what} as MalformedXML`, () => {
      assert.throws(() => parseXml(text), (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML' && e.status === 400);
    });
  }
});
