/**
 * The gateway's tables (src/gateway/generated/*.json) are checked in; regenerating them from the
 * botocore on this machine must give the same bytes. When it does not, botocore was updated (or
 * the generator changed): run `npm run gen` and review the diff. Skipped without botocore.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  botocoreDataDir,
  gatewayOutDir,
  gatewayServices,
  generateGatewayJson,
  latestModel,
} from '../../scripts/gen-gateway.js';
import { readModelFile } from '../../scripts/import-model.js';

const dataDir = botocoreDataDir();

for (const service of gatewayServices) {
  test(`src/gateway/generated/${service}.json is up to date with botocore`, (t) => {
    if (dataDir === undefined) return t.skip('botocore is not installed (it comes with the AWS CLI v1)');
    const { path, source } = latestModel(dataDir, service);
    const expected = generateGatewayJson(readModelFile(path), source);
    const actual = readFileSync(join(gatewayOutDir, `${service}.json`), 'utf8');
    assert.ok(actual === expected, `${service}.json differs from ${source}: run \`npm run gen\` and commit the result`);
  });
}

test('gateway tables are generated deterministically and carry no documentation', (t) => {
  if (dataDir === undefined) return t.skip('botocore is not installed');
  const { path, source } = latestModel(dataDir, 'sqs');
  const model = readModelFile(path);
  const once = generateGatewayJson(model, source);
  assert.equal(generateGatewayJson(structuredClone(model), source), once);
  assert.ok(!once.includes('"documentation"'));
  assert.match(once, /^\{\n {2}"generated": "by scripts\/gen-gateway\.ts from botocore data\/sqs\/2012-11-05\/service-2\.json/);
});
