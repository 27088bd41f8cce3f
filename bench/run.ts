/**
 * `npm run bench -- <name> [--events N]`: runs one benchmark (or all with no name) and prints its
 * results. `--events` sizes the benchmarks that record events first (a quick run: `--events 100000`).
 */
import { parseArgs } from 'node:util';
import { consoleBench } from './console.js';
import { deliveryBench } from './delivery.js';
import { gatewayBench } from './gateway.js';
import { ingestBench } from './ingest.js';
import { lookupBench } from './lookup.js';
import { s3Bench } from './s3.js';
import { validateBench } from './validate.js';

export interface BenchOptions {
  events?: number;
}

const BENCHES: Record<string, (opts: BenchOptions) => Promise<void>> = {
  ingest: ingestBench,
  lookup: lookupBench,
  s3: s3Bench,
  delivery: deliveryBench,
  validate: validateBench,
  gateway: gatewayBench,
  console: consoleBench,
};

const { values, positionals: names } = parseArgs({ options: { events: { type: 'string' } }, allowPositionals: true });
const opts: BenchOptions = {};
if (values.events !== undefined) {
  opts.events = Number(values.events);
  if (!Number.isInteger(opts.events) || opts.events < 1) {
    console.error(`--events must be a positive integer, not '${values.events}'`);
    process.exit(2);
  }
}
for (const name of names.length ? names : Object.keys(BENCHES)) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; choose from: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`# ${name}`);
  await bench(opts);
}
