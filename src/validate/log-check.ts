/**
 * Checking one log file a digest lists, as the AWS CLI does (reference §5.5 step 7), streaming:
 * GetObject body → first gzip member inflated on the thread pool → incremental SHA-256, so no
 * file is ever held whole. Returns why it is invalid, or undefined when it is valid.
 */
import { createHash } from 'node:crypto';
import { inflateFirstMember } from './gzip-member.js';
import { ObjectNotFound, SourceError, type ObjectSource } from './sources.js';

/** A `logFiles[]` entry as the digest gives it (fields unchecked: a bad entry is an invalid file). */
export interface LogEntry {
  bucket: string;
  key: string;
  hashValue: unknown;
}

export function logEntries(doc: Record<string, unknown>): LogEntry[] {
  const files = Array.isArray(doc.logFiles) ? (doc.logFiles as unknown[]) : [];
  return files.map((f) => {
    const e = (f ?? {}) as Record<string, unknown>;
    return { bucket: String(e.s3Bucket), key: String(e.s3Object), hashValue: e.hashValue };
  });
}

async function* counted(body: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}

export async function checkLogFile(objects: ObjectSource, entry: LogEntry, onBytes: (n: number) => void): Promise<string | undefined> {
  let object;
  try {
    object = await objects.get(entry.bucket, entry.key);
  } catch (err) {
    if (err instanceof ObjectNotFound) return 'not found';
    throw err;
  }
  try {
    const hash = createHash('sha256');
    const end = await inflateFirstMember(counted(object.body, onBytes), (chunk) => hash.update(chunk));
    if (end.trailing > 0) return 'unexpected data after end of compressed stream';
    return hash.digest('hex') === entry.hashValue ? undefined : "hash value doesn't match";
  } catch (err) {
    if (err instanceof SourceError) throw err;
    return 'invalid format';
  }
}
