/**
 * The embedded object store's own SQLite schema (`<dir>/objects.db`), separate from the event
 * database so object traffic never contends with event commits. Design notes:
 * - Keys are BLOBs (their UTF-8 bytes): SQLite compares BLOBs with memcmp, which is exactly S3's
 *   listing order, and lets listing seek past a common prefix with an arbitrary byte bound.
 * - An object is one or more chunks (one for a PUT, one per part for multipart), each an
 *   encrypted file under `blobs/`. A file may be referenced by several objects (copies share
 *   files) or by an upload part until completion; the `file` indexes answer "is it still used?"
 *   before a file is removed.
 * - `crypt` holds the chunk's wrapped data key and segment parameters (crypto.ts).
 */
import { openDatabase, type SqliteDatabase } from '../../store/sqlite/database.js';
import type { Migration } from '../../store/sqlite/migrations.js';

const OBJECTS_V1 = `
CREATE TABLE buckets (
  name       TEXT PRIMARY KEY,
  region     TEXT NOT NULL,
  owner      TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  policy     TEXT
) WITHOUT ROWID;
CREATE TABLE objects (
  bucket      TEXT NOT NULL,
  key         BLOB NOT NULL,
  size        INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  headers     TEXT NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE TABLE object_chunks (
  bucket TEXT NOT NULL,
  key    BLOB NOT NULL,
  idx    INTEGER NOT NULL,
  file   TEXT NOT NULL,
  size   INTEGER NOT NULL,
  crypt  BLOB NOT NULL,
  PRIMARY KEY (bucket, key, idx)
) WITHOUT ROWID;
CREATE INDEX object_chunks_by_file ON object_chunks (file);
CREATE TABLE uploads (
  upload_id  TEXT PRIMARY KEY,
  bucket     TEXT NOT NULL,
  key        BLOB NOT NULL,
  created_ms INTEGER NOT NULL,
  headers    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX uploads_by_bucket ON uploads (bucket);
CREATE TABLE upload_parts (
  upload_id   TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  file        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  crypt       BLOB NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE INDEX upload_parts_by_file ON upload_parts (file);
`;

export const OBJECT_MIGRATIONS: readonly Migration[] = [{ version: 1, sql: OBJECTS_V1 }];

export function openObjectDatabase(file: string): SqliteDatabase {
  // Object metadata is small; a modest page cache is plenty.
  return openDatabase(file, { migrations: OBJECT_MIGRATIONS, cacheSizeKiB: 16 * 1024 });
}
