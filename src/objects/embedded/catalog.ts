/**
 * Bucket and object metadata in objects.db (schema.ts): every read and every atomic change the
 * store makes. Changes that drop chunk references return the dropped file names; the caller
 * releases them after the commit (files.ts). Uploads live in upload-catalog.ts.
 */
import type { BucketInfo, ObjectMeta } from '../object-store.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../store/sqlite/database.js';
import type { StoredChunk } from './chunk-reader.js';
import { s3Error } from './errors.js';
import { metaFromRow, type ObjectHeaders, type ObjectRow } from './meta.js';

interface BucketRow {
  name: string;
  region: string;
  owner: string;
  created_ms: number;
}

export interface NewObject {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  modifiedMs: number;
  headers: ObjectHeaders;
  chunks: readonly StoredChunk[];
}

const OBJECT_COLUMNS = 'key, size, etag, modified_ms, headers';

export class Catalog {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: SqliteDatabase) {}

  /** A prepared statement, cached by its text. */
  q(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  bucket(name: string): BucketInfo | undefined {
    const row = this.q('SELECT name, region, owner, created_ms FROM buckets WHERE name = ?').get(name) as
      | BucketRow
      | undefined;
    return row && bucketInfo(row);
  }

  /** Throws NoSuchBucket unless `name` exists. */
  requireBucket(name: string): BucketInfo {
    const info = this.bucket(name);
    if (!info) throw s3Error('NoSuchBucket');
    return info;
  }

  bucketsOf(owner: string): BucketInfo[] {
    const rows = this.q('SELECT name, region, owner, created_ms FROM buckets WHERE owner = ? ORDER BY name')
      .all(owner) as BucketRow[];
    return rows.map(bucketInfo);
  }

  insertBucket(info: BucketInfo): void {
    this.q('INSERT INTO buckets (name, region, owner, created_ms) VALUES (?, ?, ?, ?)')
      .run(info.name, info.region, info.ownerAccountId, info.creationDateMs);
  }

  deleteBucket(name: string): void {
    this.db.transaction(() => {
      this.requireBucket(name);
      const used =
        this.q('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1').get(name) ??
        this.q('SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1').get(name);
      if (used) throw s3Error('BucketNotEmpty');
      this.q('DELETE FROM buckets WHERE name = ?').run(name);
    }).immediate();
  }

  policy(bucket: string): string | null {
    this.requireBucket(bucket);
    const row = this.q('SELECT policy FROM buckets WHERE name = ?').get(bucket) as { policy: string | null };
    return row.policy;
  }

  setPolicy(bucket: string, policy: string | null): void {
    const { changes } = this.q('UPDATE buckets SET policy = ? WHERE name = ?').run(policy, bucket);
    if (changes === 0) throw s3Error('NoSuchBucket');
  }

  object(bucket: string, key: string): ObjectMeta | undefined {
    const row = this.q(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key = ?`)
      .get(bucket, keyBytes(key)) as ObjectRow | undefined;
    return row && metaFromRow(row);
  }

  chunks(bucket: string, key: string): StoredChunk[] {
    return this.q('SELECT file, size, crypt FROM object_chunks WHERE bucket = ? AND key = ? ORDER BY idx')
      .all(bucket, keyBytes(key)) as StoredChunk[];
  }

  /** Objects with lower < key (or <=, when inclusive) < upper, in byte order. */
  objectsFrom(bucket: string, lower: Buffer, inclusive: boolean, upper: Buffer | null, limit: number): ObjectMeta[] {
    const sql =
      `SELECT ${OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key ${inclusive ? '>=' : '>'} ?` +
      `${upper ? ' AND key < ?' : ''} ORDER BY key LIMIT ?`;
    const args = upper ? [bucket, lower, upper, limit] : [bucket, lower, limit];
    return (this.q(sql).all(...args) as ObjectRow[]).map(metaFromRow);
  }

  /** Creates or replaces an object; returns the files the replaced version referenced. */
  commitObject(object: NewObject): string[] {
    return this.db.transaction(() => {
      this.requireBucket(object.bucket);
      const key = keyBytes(object.key);
      const dropped = this.dropObject(object.bucket, key);
      this.q('INSERT INTO objects (bucket, key, size, etag, modified_ms, headers) VALUES (?, ?, ?, ?, ?, ?)')
        .run(object.bucket, key, object.size, object.etag, object.modifiedMs, JSON.stringify(object.headers));
      const insert = this.q(
        'INSERT INTO object_chunks (bucket, key, idx, file, size, crypt) VALUES (?, ?, ?, ?, ?, ?)',
      );
      object.chunks.forEach((c, idx) => insert.run(object.bucket, key, idx, c.file, c.size, c.crypt));
      return dropped;
    }).immediate();
  }

  /** Removes an object if present; returns the files it referenced. */
  deleteObject(bucket: string, key: string): string[] {
    return this.db.transaction(() => {
      this.requireBucket(bucket);
      return this.dropObject(bucket, keyBytes(key));
    }).immediate();
  }

  isReferenced(file: string): boolean {
    return (
      this.q('SELECT 1 FROM object_chunks WHERE file = ? LIMIT 1').get(file) !== undefined ||
      this.q('SELECT 1 FROM upload_parts WHERE file = ? LIMIT 1').get(file) !== undefined
    );
  }

  private dropObject(bucket: string, key: Buffer): string[] {
    const files = this.q('SELECT file FROM object_chunks WHERE bucket = ? AND key = ?')
      .pluck()
      .all(bucket, key) as string[];
    this.q('DELETE FROM object_chunks WHERE bucket = ? AND key = ?').run(bucket, key);
    this.q('DELETE FROM objects WHERE bucket = ? AND key = ?').run(bucket, key);
    return files;
  }
}

export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

function bucketInfo(row: BucketRow): BucketInfo {
  return { name: row.name, region: row.region, ownerAccountId: row.owner, creationDateMs: row.created_ms };
}
