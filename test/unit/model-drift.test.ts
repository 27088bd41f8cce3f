/**
 * The generated model modules are checked in; regenerating them from `models/` must give the same
 * bytes (run `npx tsx scripts/gen-model.ts --all` after changing a model or the generator).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateModelSource, knownModels, repoRoot } from '../../scripts/gen-model.js';
import { stripDocumentation } from '../../scripts/import-model.js';
import {
  errorShapes,
  metadata,
  operations,
  shapes,
  type OperationMap,
  type OperationName,
} from '../../src/services/cloudtrail/generated/model.js';

for (const { model, out } of knownModels) {
  test(`${out} is up to date with ${model}`, () => {
    const source = JSON.parse(readFileSync(resolve(repoRoot, model), 'utf8')) as unknown;
    const expected = generateModelSource(source);
    const actual = readFileSync(resolve(repoRoot, out), 'utf8');
    assert.ok(
      actual === expected,
      `${out} is stale: run \`npx tsx scripts/gen-model.ts --all\` and commit the result`,
    );
  });

  test(`${model} carries no AWS documentation prose`, () => {
    assert.ok(!readFileSync(resolve(repoRoot, model), 'utf8').includes('"documentation"'));
  });
}

test('generation is deterministic', () => {
  const source = JSON.parse(
    readFileSync(resolve(repoRoot, 'models/cloudtrail-2013-11-01.json'), 'utf8'),
  ) as unknown;
  assert.equal(generateModelSource(source), generateModelSource(structuredClone(source)));
});

test('CloudTrail model: all 60 operations, wired to existing shapes', () => {
  const names = Object.keys(operations) as OperationName[];
  assert.equal(names.length, 60);
  for (const name of ['LookupEvents', 'CreateTrail', 'StartLogging', 'ListInsightsData']) {
    assert.ok(names.includes(name as OperationName), name);
  }
  for (const name of names) {
    const op = operations[name];
    for (const ref of [op.input, op.output, ...op.errors]) {
      if (ref !== undefined) assert.ok(shapes[ref], `${name} refers to missing shape ${ref}`);
    }
    for (const e of op.errors) assert.equal(shapes[e]?.type === 'structure' && shapes[e].exception, true);
  }
  assert.deepEqual(operations.LookupEvents.http, { method: 'POST', requestUri: '/' });
});

test('CloudTrail model: constraints and metadata survive generation', () => {
  const req = shapes['LookupEventsRequest'];
  assert.equal(req?.type, 'structure');
  const maxResults = req.type === 'structure' ? req.members['MaxResults'] : undefined;
  assert.deepEqual(shapes[maxResults?.shape ?? ''], { type: 'integer', min: 1, max: 50 });
  assert.deepEqual(shapes['LookupAttribute'], {
    type: 'structure',
    members: {
      AttributeKey: { shape: 'LookupAttributeKey' },
      AttributeValue: { shape: 'LookupAttributeValue' },
    },
    required: ['AttributeKey', 'AttributeValue'],
  });
  assert.equal(metadata.targetPrefix, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101');
  assert.equal(metadata.signingName, 'cloudtrail');
  assert.equal(metadata.protocol, 'json');
  assert.ok((errorShapes as readonly string[]).includes('TrailNotFoundException'));
  assert.ok(errorShapes.every((n) => shapes[n]?.type === 'structure'));
});

test('generated types line up with the model (compile-time)', () => {
  // Type-checked by `tsc -p tsconfig.check.json`; the runtime assertion only keeps it a test.
  const input: OperationMap['LookupEvents']['input'] = {
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateTrail' }],
    StartTime: new Date(0),
    EventCategory: 'insight',
    MaxResults: 5,
  };
  const output: OperationMap['GetTrailStatus']['output'] = { IsLogging: true };
  assert.equal(input.MaxResults, 5);
  assert.equal(output.IsLogging, true);
});

test('import-model strips documentation only where botocore puts it', () => {
  const raw = {
    documentation: 'service prose',
    metadata: { uid: 'x-1' },
    operations: {
      Op: {
        documentation: 'op prose',
        input: { shape: 'In', documentation: 'ref prose' },
        errors: [{ shape: 'Err', documentation: 'err prose' }],
      },
    },
    shapes: {
      In: {
        type: 'structure',
        documentation: 'shape prose',
        members: { documentation: { shape: 'S', documentation: 'member prose' } },
      },
      L: { type: 'list', member: { shape: 'S', documentation: 'x' } },
      S: { type: 'string' },
      Err: { type: 'structure', members: {}, exception: true },
    },
  };
  assert.deepEqual(stripDocumentation(raw), {
    metadata: { uid: 'x-1' },
    operations: { Op: { input: { shape: 'In' }, errors: [{ shape: 'Err' }] } },
    shapes: {
      In: { type: 'structure', members: { documentation: { shape: 'S' } } },
      L: { type: 'list', member: { shape: 'S' } },
      S: { type: 'string' },
      Err: { type: 'structure', members: {}, exception: true },
    },
  });
});

test('generator renames structures that would shadow types it uses', () => {
  const source = generateModelSource({
    metadata: { apiVersion: '2020-01-01', endpointPrefix: 'x', protocol: 'json', serviceId: 'X' },
    operations: {
      Op: { http: { method: 'POST', requestUri: '/' }, input: { shape: 'Date' }, errors: [] },
    },
    shapes: {
      Date: { type: 'structure', members: { At: { shape: 'Ts' }, 'odd-name': { shape: 'Ts' } } },
      Ts: { type: 'timestamp' },
    },
  });
  assert.match(source, /export interface Date_ \{\n {2}At\?: Date;\n {2}'odd-name'\?: Date;\n\}/);
  assert.match(source, /Op: \{ input: Date_; output: Record<string, never> \};/);
  assert.match(source, /^\/\/ Generated by scripts\/gen-model\.ts from models\/x-2020-01-01\.json/);
});
