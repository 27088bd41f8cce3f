/**
 * Generic shape handling: strict awsJson reading, Coral-style constraint violations and
 * ValidationException text, JSON output, and the record form of inputs/outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/aws/errors.js';
import type { ShapeTable } from '../../src/aws/model-types.js';
import {
  deserializeJson,
  formatRecordTimestamp,
  serializeJson,
  toRecordForm,
  validationError,
  type Violation,
} from '../../src/aws/shapes.js';
import { shapes as cloudtrail } from '../../src/services/cloudtrail/generated/model.js';

/** A small synthetic service exercising every shape type and constraint kind. */
const table: ShapeTable = {
  Input: {
    type: 'structure',
    members: {
      Name: { shape: 'Name' },
      S3BucketName: { shape: 'Str' },
      TrailARN: { shape: 'Str' },
      trailNameList: { shape: 'NameList' },
      MaxResults: { shape: 'Max' },
      Count: { shape: 'Long' },
      Ratio: { shape: 'Double' },
      Enabled: { shape: 'Bool' },
      Category: { shape: 'Category' },
      StartTime: { shape: 'Time' },
      Body: { shape: 'Bytes' },
      Items: { shape: 'ItemList' },
      Tags: { shape: 'TagMap' },
      Secret: { shape: 'Secret' },
      Nested: { shape: 'Nested' },
      Emoji: { shape: 'Short' },
    },
    required: ['Name'],
  },
  Name: { type: 'string', min: 3, max: 128, pattern: '^[a-z]+$' },
  Str: { type: 'string' },
  Short: { type: 'string', max: 2 },
  NameList: { type: 'list', member: { shape: 'Name' }, max: 3 },
  Max: { type: 'integer', min: 1, max: 50 },
  Long: { type: 'long' },
  Double: { type: 'double' },
  Bool: { type: 'boolean' },
  Category: { type: 'string', enum: ['insight', 'management'] },
  Time: { type: 'timestamp' },
  Bytes: { type: 'blob' },
  Item: {
    type: 'structure',
    members: { Key: { shape: 'Str' }, Value: { shape: 'Value' } },
    required: ['Key'],
  },
  Value: { type: 'string', max: 5 },
  ItemList: { type: 'list', member: { shape: 'Item' }, min: 1 },
  TagKey: { type: 'string', min: 1, max: 4 },
  TagMap: { type: 'map', key: { shape: 'TagKey' }, value: { shape: 'Value' } },
  Secret: { type: 'string', min: 8, sensitive: true },
  Nested: { type: 'structure', members: { Password: { shape: 'Secret' }, Note: { shape: 'Str' } } },
  Output: {
    type: 'structure',
    members: {
      When: { shape: 'Time' },
      Body: { shape: 'Bytes' },
      Items: { shape: 'ItemList' },
      Tags: { shape: 'TagMap' },
      Ratio: { shape: 'Double' },
      Missing: { shape: 'Str' },
    },
  },
};

function read(value: unknown): { value: Record<string, unknown>; violations: Violation[] } {
  const r = deserializeJson(table, 'Input', value);
  return { value: r.value as Record<string, unknown>, violations: r.violations };
}

function serializationError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError);
    assert.equal(e.code, 'SerializationException');
    assert.equal(e.status, 400);
    assert.match(e.message, pattern);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

test('reads every scalar type and converts timestamps and blobs', () => {
  const { value, violations } = read({
    Name: 'trail',
    MaxResults: 10,
    Count: 2 ** 40,
    Ratio: 0.5,
    Enabled: false,
    Category: 'insight',
    StartTime: 1441139757.497,
    Body: Buffer.from('hello').toString('base64'),
  });
  assert.deepEqual(violations, []);
  assert.deepEqual(value, {
    Name: 'trail',
    MaxResults: 10,
    Count: 2 ** 40,
    Ratio: 0.5,
    Enabled: false,
    Category: 'insight',
    StartTime: new Date(1441139757497),
    Body: new Uint8Array(Buffer.from('hello')),
  });
});

const timestamps: [string, unknown, number][] = [
  ['integer epoch seconds', 1424476529, Date.UTC(2015, 1, 20, 23, 55, 29)],
  ['fractional epoch seconds', 1424476529.25, Date.UTC(2015, 1, 20, 23, 55, 29, 250)],
  ['ISO-8601 with Z', '2015-02-20T23:55:29Z', Date.UTC(2015, 1, 20, 23, 55, 29)],
  ['ISO-8601 with millis', '2015-02-20T23:55:29.123Z', Date.UTC(2015, 1, 20, 23, 55, 29, 123)],
  ['ISO-8601 with micros', '2015-02-20T23:55:29.123456Z', Date.UTC(2015, 1, 20, 23, 55, 29, 123)],
  ['ISO-8601 with offset', '2015-02-21T01:55:29+02:00', Date.UTC(2015, 1, 20, 23, 55, 29)],
  ['ISO-8601 without zone is UTC', '2015-02-20T23:55:29', Date.UTC(2015, 1, 20, 23, 55, 29)],
];
for (const [name, input, ms] of timestamps) {
  test(`timestamp: ${name}`, () => {
    assert.deepEqual(read({ Name: 'abc', StartTime: input }).value['StartTime'], new Date(ms));
  });
}

const typeErrors: [string, unknown, RegExp][] = [
  ['string for integer', { MaxResults: '10' }, /'MaxResults': expected an integer, got the string "10"/],
  ['fraction for integer', { MaxResults: 1.5 }, /'MaxResults': expected an integer, got the number 1.5/],
  ['integer out of 32-bit range', { MaxResults: 2 ** 31 }, /'MaxResults': expected a 32-bit integer/],
  ['string for boolean', { Enabled: 'true' }, /'Enabled': expected a boolean/],
  ['number for string', { Name: 5 }, /'Name': expected a string, got the number 5/],
  ['object for list', { Items: { Key: 'a' } }, /'Items': expected a JSON array, got an object/],
  ['list for structure', { Nested: [] }, /'Nested': expected a JSON object, got an array/],
  ['string for map', { Tags: 'a=b' }, /'Tags': expected a JSON object \(map\)/],
  ['bad element deep in a list', { Items: [{ Key: 'a' }, { Key: 7 }] }, /'Items\[1\]\.Key'/],
  ['null list element', { Items: [null] }, /'Items\[0\]': expected a non-null list element/],
  ['null map value', { Tags: { a: null } }, /'Tags\.a': expected a non-null map value/],
  ['invalid base64', { Body: 'not base64!' }, /'Body': expected a base64-encoded string/],
  ['unpadded base64', { Body: 'aGVsbG8' }, /'Body': expected a base64-encoded string/],
  ['date-only string timestamp', { StartTime: '2015-02-20' }, /'StartTime': expected a timestamp/],
  ['garbage timestamp', { StartTime: 'yesterday' }, /'StartTime': expected a timestamp/],
  ['boolean timestamp', { StartTime: true }, /'StartTime': expected a timestamp/],
  ['array as body', [], /the request body: expected a JSON object, got an array/],
];
for (const [name, input, message] of typeErrors) {
  test(`SerializationException: ${name}`, () => serializationError(() => read(input), message));
}

test('unknown members are dropped, null members are absent, null body is empty', () => {
  const { value } = read({ Name: 'abc', Bogus: 1, __proto__x: 2, Category: null, Nested: { X: 1 } });
  assert.deepEqual(value, { Name: 'abc', Nested: {} });
  assert.deepEqual(deserializeJson(table, 'Nested', null).value, {});
});

test('a __proto__ map key stays an ordinary key', () => {
  const body = JSON.parse('{"Name":"abc","Tags":{"__proto__":"x"}}') as unknown;
  const tags = read(body).value['Tags'] as Record<string, unknown>;
  assert.deepEqual(Object.keys(tags), ['__proto__']);
  assert.equal(Object.getPrototypeOf(tags), Object.prototype);
});

test('float members accept awsJson non-finite strings', () => {
  assert.ok(Number.isNaN(read({ Name: 'abc', Ratio: 'NaN' }).value['Ratio']));
  assert.equal(read({ Name: 'abc', Ratio: '-Infinity' }).value['Ratio'], -Infinity);
});

// ---------------------------------------------------------------------------------------------
// Constraints

const constraintCases: [string, unknown, Partial<Violation>][] = [
  [
    'required',
    {},
    {
      path: 'name',
      constraint: 'required',
      message: "Value null at 'name' failed to satisfy constraint: Member must not be null",
    },
  ],
  [
    'length (min)',
    { Name: 'ab' },
    {
      path: 'name',
      constraint: 'length',
      message:
        "Value 'ab' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 3",
    },
  ],
  [
    'range (max)',
    { Name: 'abc', MaxResults: 100 },
    {
      path: 'maxResults',
      memberPath: ['MaxResults'],
      constraint: 'range',
      message:
        "Value '100' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    },
  ],
  [
    'range (min)',
    { Name: 'abc', MaxResults: 0 },
    {
      constraint: 'range',
      message:
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    },
  ],
  [
    'enum',
    { Name: 'abc', Category: 'x' },
    {
      path: 'category',
      constraint: 'enum',
      message:
        "Value 'x' at 'category' failed to satisfy constraint: Member must satisfy enum value set: [insight, management]",
    },
  ],
  [
    'pattern',
    { Name: 'ABC' },
    {
      path: 'name',
      constraint: 'pattern',
      message:
        "Value 'ABC' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$",
    },
  ],
  [
    'list length',
    { Name: 'abc', Items: [] },
    {
      path: 'items',
      constraint: 'length',
      message:
        "Value '[]' at 'items' failed to satisfy constraint: Member must have length greater than or equal to 1",
    },
  ],
  [
    'structure in a list: 1-based .member path',
    { Name: 'abc', Items: [{ Key: 'a', Value: 'ok' }, { Key: 'b', Value: 'toolong' }] },
    {
      path: 'items.2.member.value',
      memberPath: ['Items', '1', 'Value'],
      constraint: 'length',
      message:
        "Value 'toolong' at 'items.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 5",
    },
  ],
  [
    'required inside a list element',
    { Name: 'abc', Items: [{ Value: 'v' }] },
    {
      path: 'items.1.member.key',
      constraint: 'required',
      message:
        "Value null at 'items.1.member.key' failed to satisfy constraint: Member must not be null",
    },
  ],
  [
    'scalar list elements are reported on the list, with all member constraints',
    { Name: 'abc', trailNameList: ['good', 'BAD'] },
    {
      path: 'trailNameList',
      constraint: 'pattern',
      message:
        "Value '[good, BAD]' at 'trailNameList' failed to satisfy constraint: Member must satisfy constraint: " +
        '[Member must have length less than or equal to 128, Member must have length greater than or equal to 3, ' +
        'Member must satisfy regular expression pattern: ^[a-z]+$]',
    },
  ],
  [
    'map keys',
    { Name: 'abc', Tags: { toolong: 'v' } },
    {
      path: 'tags',
      constraint: 'length',
      message:
        "Value '{toolong=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: " +
        '[Member must have length less than or equal to 4, Member must have length greater than or equal to 1]',
    },
  ],
  [
    'map values',
    { Name: 'abc', Tags: { k: 'toolong' } },
    {
      path: 'tags',
      constraint: 'length',
      message:
        "Value '{k=toolong}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: " +
        '[Member must have length less than or equal to 5]',
    },
  ],
  [
    'sensitive values are never echoed',
    { Name: 'abc', Nested: { Password: 'short' } },
    {
      path: 'nested.password',
      constraint: 'length',
      message:
        "Value at 'nested.password' failed to satisfy constraint: Member must have length greater than or equal to 8",
    },
  ],
  [
    'length counts code points, not UTF-16 units',
    { Name: 'abc', Emoji: '😀😀😀' },
    {
      path: 'emoji',
      message:
        "Value '😀😀😀' at 'emoji' failed to satisfy constraint: Member must have length less than or equal to 2",
    },
  ],
];
for (const [name, input, expected] of constraintCases) {
  test(`constraint: ${name}`, () => {
    const { violations } = read(input);
    assert.equal(violations.length, 1, JSON.stringify(violations, null, 2));
    const [v] = violations as [Violation];
    assert.deepEqual(pickKeys(v, Object.keys(expected) as (keyof Violation)[]), expected);
  });
}

function pickKeys(v: Violation, keys: (keyof Violation)[]): Partial<Violation> {
  return Object.fromEntries(keys.map((k) => [k, v[k]])) as Partial<Violation>;
}

test('two emoji fit a max length of 2', () => {
  assert.deepEqual(read({ Name: 'abc', Emoji: '😀😀' }).violations, []);
});

test('huge strings: echo truncated, pattern skipped, still fast', () => {
  const huge = 'A'.repeat(5_000_000);
  const started = process.hrtime.bigint();
  const { violations } = read({ Name: huge });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(violations.length, 1);
  assert.equal(
    violations[0]?.message,
    `Value '${'A'.repeat(64)}...' at 'name' failed to satisfy constraint: ` +
      'Member must have length less than or equal to 128',
  );
  assert.ok(ms < 1000, `validation took ${ms} ms`);
});

test('huge lists are echoed truncated', () => {
  const { violations } = read({ Name: 'abc', trailNameList: Array(100_000).fill('x') });
  const message = violations[0]?.message ?? '';
  assert.match(message, /^Value '\[x, x, x, .*\.\.\.' at 'trailNameList'/);
  assert.ok(message.length < 400);
});

test('ValidationException: one, several, and capped lists', () => {
  const one = validationError(read({ Name: 'ab' }).violations);
  assert.equal(one.code, 'ValidationException');
  assert.equal(one.status, 400);
  assert.equal(
    one.message,
    "1 validation error detected: Value 'ab' at 'name' failed to satisfy constraint: " +
      'Member must have length greater than or equal to 3',
  );
  const two = validationError(read({ Name: 'AB', MaxResults: 51 }).violations);
  assert.equal(
    two.message,
    "3 validation errors detected: Value 'AB' at 'name' failed to satisfy constraint: " +
      "Member must have length greater than or equal to 3; Value 'AB' at 'name' failed to satisfy " +
      "constraint: Member must satisfy regular expression pattern: ^[a-z]+$; Value '51' at " +
      "'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
  );
  const items = Array.from({ length: 15 }, () => ({}));
  const many = validationError(read({ Name: 'abc', Items: items }).violations);
  assert.match(many.message, /^15 validation errors detected: /);
  assert.equal(many.message.split('; ').length, 10);
});

test('CloudTrail LookupEvents: real model constraints and paths', () => {
  const { violations } = deserializeJson(cloudtrail, 'LookupEventsRequest', {
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a'.repeat(2001) }],
    EventCategory: 'x',
    MaxResults: 100,
  });
  assert.deepEqual(
    violations.map((v) => v.message),
    [
      `Value '${'a'.repeat(64)}...' at 'lookupAttributes.1.member.attributeValue' failed to satisfy ` +
        'constraint: Member must have length less than or equal to 2000',
      "Value 'x' at 'eventCategory' failed to satisfy constraint: Member must satisfy enum value set: [insight]",
      "Value '100' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    ],
  );
});

test('Java-only pattern syntax is translated: (?s) and supplementary ranges', () => {
  // Both patterns are CloudTrail's own (QueryStatement, PartitionKeyName), anchored here.
  const java: ShapeTable = {
    In: { type: 'structure', members: { Q: { shape: 'Q' }, P: { shape: 'P' } } },
    Q: { type: 'string', pattern: '(?s)^SELECT.*x$' },
    P: { type: 'string', pattern: '^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*$' },
  };
  assert.deepEqual(deserializeJson(java, 'In', { Q: 'SELECT *\nFROM x', P: 'ok 😀' }).violations, []);
  const bad = deserializeJson(java, 'In', { Q: 'SELECT *\nFROM y', P: 'bell\u0007' }).violations;
  assert.deepEqual(bad.map((v) => [v.path, v.constraint]), [['q', 'pattern'], ['p', 'pattern']]);
  const real = deserializeJson(cloudtrail, 'StartQueryRequest', { QueryStatement: 'SELECT *\nFROM x' });
  assert.deepEqual(real.violations, []);
});

// ---------------------------------------------------------------------------------------------
// Writing

test('serializeJson: dates as epoch seconds, blobs as base64, empty members omitted', () => {
  const out = serializeJson(table, 'Output', {
    When: new Date(1441139757497),
    Body: new Uint8Array([104, 105]),
    Items: [{ Key: 'a', Value: undefined, Extra: 1 }],
    Tags: { a: 'x', b: null },
    Ratio: Infinity,
    Missing: null,
    NotModeled: 'dropped',
  });
  assert.deepEqual(out, {
    When: 1441139757.497,
    Body: 'aGk=',
    Items: [{ Key: 'a' }],
    Tags: { a: 'x' },
    Ratio: 'Infinity',
  });
  assert.equal(JSON.stringify(serializeJson(table, 'Output', { When: new Date(1e12) })), '{"When":1000000000}');
  assert.deepEqual(serializeJson(table, 'Output', undefined), {});
});

// ---------------------------------------------------------------------------------------------
// Record form

test('toRecordForm: lowerCamel members, map keys unchanged, nested lists', () => {
  const input = read({
    Name: 'abc',
    S3BucketName: 'bucket',
    TrailARN: 'arn',
    trailNameList: ['one'],
    Items: [{ Key: 'k', Value: 'v' }],
    Tags: { MixedCase: 'v' },
    Body: 'aGk=',
  }).value;
  assert.deepEqual(toRecordForm(table, 'Input', input), {
    name: 'abc',
    s3BucketName: 'bucket',
    trailARN: 'arn',
    trailNameList: ['one'],
    items: [{ key: 'k', value: 'v' }],
    tags: { MixedCase: 'v' },
    body: 'aGk=',
  });
});

test('toRecordForm: sensitive shapes and members are hidden', () => {
  const secretMember: ShapeTable = {
    In: { type: 'structure', members: { Token: { shape: 'S', sensitive: true }, Id: { shape: 'S' } } },
    S: { type: 'string' },
  };
  assert.deepEqual(toRecordForm(secretMember, 'In', { Token: 't0ps3cret', Id: 'x' }), {
    token: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    id: 'x',
  });
  const input = read({ Name: 'abc', Secret: 'hunter22', Nested: { Password: 'p4ssw0rd!', Note: 'n' } });
  assert.deepEqual(toRecordForm(table, 'Input', input.value), {
    name: 'abc',
    secret: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    nested: { password: 'HIDDEN_DUE_TO_SECURITY_REASONS', note: 'n' },
  });
});

test('toRecordForm: timestamps in the style AWS records show', () => {
  const input = read({ Name: 'abc', StartTime: '2025-10-26T23:50:52Z' }).value;
  assert.deepEqual(toRecordForm(table, 'Input', input), {
    name: 'abc',
    startTime: 'Oct 26, 2025, 11:50:52 PM',
  });
  assert.equal(formatRecordTimestamp(new Date('2025-10-27T00:00:52Z')), 'Oct 27, 2025, 12:00:52 AM');
  assert.equal(formatRecordTimestamp(new Date('2024-03-05T12:07:09.999Z')), 'Mar 5, 2024, 12:07:09 PM');
});

test('toRecordForm: empty input is null', () => {
  assert.equal(toRecordForm(table, 'Input', {}), null);
  assert.equal(toRecordForm(table, 'Input', undefined), null);
  assert.equal(toRecordForm(cloudtrail, 'ListTrailsRequest', read({}).value), null);
});
