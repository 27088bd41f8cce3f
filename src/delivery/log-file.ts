/**
 * A log file's bytes (reference §3.2, §4.2): gzip of `{"Records":[...]}` whose records are the
 * stored JSON texts byte for byte. Compression runs on libuv's thread pool, off the event loop.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Bytes the envelope adds around the records (and between them). */
export const ENVELOPE_BYTES = '{"Records":[]}'.length;

export function logFileJson(records: readonly string[]): string {
  return `{"Records":[${records.join(',')}]}`;
}

export function gzipLogFile(records: readonly string[]): Promise<Buffer> {
  return gzipAsync(logFileJson(records), { level: 6 });
}
