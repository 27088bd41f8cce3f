/**
 * Generates the recording gateway's service tables, `src/gateway/generated/<service>.json`, from
 * the official botocore models installed with the AWS CLI v1 (`botocore/data/<service>/<latest
 * api version>/service-2.json.gz`, the version botocore itself loads). Each file is the model
 * reduced by gen-model.ts's `reduceModel`, trimmed further to what operation naming, request
 * deserialization and record redaction use: validation constraints (min/max/pattern/enum) and
 * XML serialization details are dropped; wire names, locations, `required` and `sensitive` stay.
 * JSON rather than TypeScript so the type checker never walks EC2's thousands of shapes; one
 * operation or shape per line so a model update reads as a small diff.
 *
 * Usage:
 *   npx tsx scripts/gen-gateway.ts            regenerate every table
 *   npx tsx scripts/gen-gateway.ts --check    exit 1 if a checked-in table differs from botocore's
 * Botocore is found with `python3 -c 'import botocore'`, or at $BOTOCORE_DATA (its `data` dir).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reduceModel, repoRoot } from './gen-model.js';
import { readModelFile } from './import-model.js';

/** Botocore service directories we ship tables for; each is also the service's signing name. */
export const gatewayServices: readonly string[] = [
  'dynamodb', 'ec2', 'iam', 'kms', 'lambda', 's3', 'secretsmanager', 'sns', 'sqs', 'sts',
];

export const gatewayOutDir = resolve(repoRoot, 'src/gateway/generated');

type Json = Record<string, unknown>;

/** Validation and XML-writing details: the gateway checks nothing and serializes nothing. */
const DROPPED_SHAPE_KEYS = ['min', 'max', 'pattern', 'enum', 'xmlOrder', 'xmlNamespace'];
const DROPPED_REF_KEYS = ['xmlNamespace'];

/** Botocore's `data` directory, or undefined when botocore is not installed. */
export function botocoreDataDir(): string | undefined {
  if (process.env['BOTOCORE_DATA']) return process.env['BOTOCORE_DATA'];
  try {
    const dir = execFileSync(
      'python3',
      ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    return join(dir, 'data');
  } catch {
    return undefined;
  }
}

/** The model botocore loads for a service: its latest API version (ISO dates sort as strings). */
export function latestModel(dataDir: string, service: string): { path: string; source: string } {
  const versions = readdirSync(join(dataDir, service)).filter((v) => /^\d{4}-\d\d-\d\d$/.test(v));
  const version = versions.sort().at(-1);
  if (version === undefined) throw new Error(`botocore has no model for ${service} in ${dataDir}`);
  return {
    path: join(dataDir, service, version, 'service-2.json.gz'),
    source: `botocore data/${service}/${version}/service-2.json`,
  };
}

function drop(o: unknown, keys: readonly string[]): void {
  if (typeof o === 'object' && o !== null) for (const k of keys) delete (o as Json)[k];
}

/** One shape or operation per line: diffs of a model update stay readable. */
function emit(generated: string, metadata: Json, operations: Json, shapes: Json): string {
  const block = (entries: Json): string =>
    Object.entries(entries)
      .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(',\n');
  return [
    '{',
    `  "generated": ${JSON.stringify(generated)},`,
    `  "metadata": ${JSON.stringify(metadata)},`,
    '  "operations": {',
    block(operations),
    '  },',
    '  "shapes": {',
    block(shapes),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The gateway table for one botocore model (parsed JSON); `source` names it in the header. */
export function generateGatewayJson(model: unknown, source: string): string {
  const { metadata, shapes, operations } = reduceModel(model);
  const raw = model as { metadata: Json; operations: Record<string, Json> };
  // Services moved from awsQuery to awsJson (SQS) still accept the query form from older SDKs.
  if (raw.metadata['awsQueryCompatible'] !== undefined) metadata['awsQueryCompatible'] = true;
  for (const [name, op] of Object.entries(operations)) {
    // Naming prefers the current operation where a deprecated one shares its URI template.
    if (raw.operations[name]?.['deprecated'] === true) op['deprecated'] = true;
  }
  for (const shape of Object.values(shapes)) {
    drop(shape, DROPPED_SHAPE_KEYS);
    for (const ref of Object.values((shape['members'] ?? {}) as Json)) drop(ref, DROPPED_REF_KEYS);
    for (const k of ['member', 'key', 'value']) drop(shape[k], DROPPED_REF_KEYS);
  }
  const generated = `by scripts/gen-gateway.ts from ${source}; do not edit, run \`npm run gen\``;
  return emit(generated, metadata, operations, shapes);
}

function main(argv: string[]): void {
  const check = argv.includes('--check');
  const dataDir = botocoreDataDir();
  if (dataDir === undefined) {
    console.error('gen-gateway: botocore not found (install the AWS CLI v1 or set BOTOCORE_DATA)');
    process.exit(2);
  }
  mkdirSync(gatewayOutDir, { recursive: true });
  let ok = true;
  for (const service of gatewayServices) {
    const { path, source } = latestModel(dataDir, service);
    const json = generateGatewayJson(readModelFile(path), source);
    const out = join(gatewayOutDir, `${service}.json`);
    if (check) {
      let current = '';
      try {
        current = readFileSync(out, 'utf8');
      } catch {
        // a missing table counts as stale
      }
      if (current !== json) console.error(`stale: ${out} (from ${source})`);
      ok = current === json && ok;
    } else {
      writeFileSync(out, json);
      console.log(`wrote ${out} (${json.length} bytes)`);
    }
  }
  if (!ok) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
