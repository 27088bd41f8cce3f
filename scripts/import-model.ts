/**
 * Imports an official botocore model (`service-2.json` or `.json.gz`) into `models/`: drops every
 * `documentation` field (AWS prose we neither need nor want to carry) and pretty-prints the rest
 * with 2-space indentation, so the checked-in model is data only and CI never needs botocore.
 *
 * Usage: npx tsx scripts/import-model.ts <service-2.json(.gz)> <out.json>
 * Convention: name the output after the model's `metadata.uid`, e.g.
 * `models/cloudtrail-2013-11-01.json`; gen-model.ts names its source that way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dropDocs(obj: unknown): void {
  if (isObject(obj)) delete obj['documentation'];
}

/**
 * Strips `documentation` only where botocore puts it (service, operations and their shape refs,
 * shapes, member refs): a blanket recursive delete would also remove a structure member that
 * happens to be *named* `documentation`.
 */
export function stripDocumentation(model: unknown): Json {
  if (!isObject(model)) throw new Error('model must be a JSON object');
  dropDocs(model);
  for (const op of Object.values(asObject(model['operations']))) {
    dropDocs(op);
    if (!isObject(op)) continue;
    dropDocs(op['input']);
    dropDocs(op['output']);
    if (Array.isArray(op['errors'])) op['errors'].forEach(dropDocs);
  }
  for (const shape of Object.values(asObject(model['shapes']))) {
    dropDocs(shape);
    if (!isObject(shape)) continue;
    for (const ref of Object.values(asObject(shape['members']))) dropDocs(ref);
    dropDocs(shape['member']);
    dropDocs(shape['key']);
    dropDocs(shape['value']);
  }
  return model;
}

function asObject(v: unknown): Json {
  return isObject(v) ? v : {};
}

/** Reads a model file, transparently gunzipping (botocore ships `.json.gz`). */
export function readModelFile(path: string): unknown {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return JSON.parse(bytes.toString('utf8')) as unknown;
}

function main(argv: string[]): void {
  const [input, output] = argv;
  if (!input || !output) {
    console.error('usage: npx tsx scripts/import-model.ts <service-2.json(.gz)> <out.json>');
    process.exit(2);
  }
  const model = stripDocumentation(readModelFile(input));
  writeFileSync(output, JSON.stringify(model, null, 2) + '\n');
  console.log(`wrote ${output}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
