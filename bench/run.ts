/**
 * `npm run bench -- <name>`: runs one benchmark (or all with no name) and prints its results.
 */
import { ingestBench } from './ingest.js';
import { lookupBench } from './lookup.js';
import { s3Bench } from './s3.js';

const BENCHES: Record<string, () => Promise<void>> = { ingest: ingestBench, lookup: lookupBench, s3: s3Bench };

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(BENCHES)) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; choose from: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`# ${name}`);
  await bench();
}
