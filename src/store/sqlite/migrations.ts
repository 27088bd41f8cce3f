/**
 * The embedded database's schema history: an ordered list of numbered migrations, applied each in
 * its own transaction, with the version kept in `PRAGMA user_version` (part of the file header, so
 * it commits atomically with the migration). Every SQLite-backed store adds its tables here by
 * appending a migration; a shipped migration is never edited.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface Migration {
  version: number;
  sql: string;
}

/**
 * Event log, v1. Design notes (see event-log.ts for the queries these serve):
 * - `seq` is assigned by the writer from `event_log_state.last_seq`, not by rowid reuse, so it
 *   never goes backwards even after a purge empties the table (delivery cursors depend on it).
 * - account/region/category are interned into one small `scope` integer and repeated strings
 *   (event names, sources, user names, access keys, resource types/names) into `event_strings`,
 *   so every lookup index entry is a handful of bytes.
 * - Each lookup attribute has an index (scope, attr, event_time); SQLite appends the rowid (seq)
 *   to every index, so "filter + ORDER BY event_time DESC, seq DESC + LIMIT" is one backward
 *   range scan that stops after LIMIT rows, whatever fraction of events matches.
 * - Attribute key columns are NULL for data events (they never appear in event history), and the
 *   indexes are partial on NOT NULL, so data events cost only the time index.
 * - Resources live in a WITHOUT ROWID side table clustered on the same key shape; the primary
 *   key also deduplicates an event that names the same type twice.
 * - No FOREIGN KEY from event_resources to events: enforcing it would need an index on seq and a
 *   lookup per row; the writer and purge keep the two consistent in one transaction.
 */
const EVENT_LOG_V1 = `
CREATE TABLE event_scopes (
  id         INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  category   TEXT NOT NULL,
  UNIQUE (account_id, region, category)
);
CREATE TABLE event_strings (
  id    INTEGER PRIMARY KEY,
  value TEXT NOT NULL UNIQUE
);
CREATE TABLE event_log_state (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO event_log_state (id, last_seq) VALUES (1, 0);
CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,
  scope      INTEGER NOT NULL,
  event_time INTEGER NOT NULL,
  event_id   TEXT,
  name_key   INTEGER,
  source_key INTEGER,
  read_only  INTEGER,
  user_key   INTEGER,
  akid_key   INTEGER,
  username   TEXT,
  resources  TEXT,
  record     TEXT NOT NULL
);
CREATE INDEX events_by_time ON events (scope, event_time);
CREATE INDEX events_by_event_id ON events (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX events_by_name ON events (scope, name_key, event_time) WHERE name_key IS NOT NULL;
CREATE INDEX events_by_source ON events (scope, source_key, event_time) WHERE source_key IS NOT NULL;
CREATE INDEX events_by_read_only ON events (scope, read_only, event_time) WHERE read_only IS NOT NULL;
CREATE INDEX events_by_user ON events (scope, user_key, event_time) WHERE user_key IS NOT NULL;
CREATE INDEX events_by_akid ON events (scope, akid_key, event_time) WHERE akid_key IS NOT NULL;
CREATE TABLE event_resources (
  scope      INTEGER NOT NULL,
  kind       INTEGER NOT NULL,
  value      INTEGER NOT NULL,
  event_time INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (scope, kind, value, event_time, seq)
) WITHOUT ROWID;
`;

/**
 * Identity, v2: the account registry and access keys (src/identity/store.ts). The principal a
 * key proves is kept as JSON so the identity issue's users and roles need no schema change here;
 * principal_type is a column because start-up asks for an account's root keys.
 */
const IDENTITY_V2 = `
CREATE TABLE accounts (
  account_id TEXT PRIMARY KEY,
  alias      TEXT UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE access_keys (
  access_key_id     TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  account_id        TEXT NOT NULL REFERENCES accounts (account_id),
  principal_type    TEXT NOT NULL,
  principal_json    TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
  created_at        INTEGER NOT NULL
);
CREATE INDEX access_keys_by_account ON access_keys (account_id, principal_type);
`;

/**
 * Trails, v3 (src/trails/trail-rows.ts): the registry loads every row at start-up and keeps them
 * in memory, so there are no secondary indexes. Settings, selectors and tags are JSON columns of
 * one row per (account, trail ARN), written whole by idempotent upserts in the same transaction
 * as the event of the call that changed them; status is its own row because delivery updates it
 * far more often than anything else changes.
 */
const TRAILS_V3 = `
CREATE TABLE trails (
  account_id TEXT NOT NULL,
  trail_arn  TEXT NOT NULL,
  definition TEXT NOT NULL,
  selectors  TEXT NOT NULL,
  tags       TEXT NOT NULL,
  PRIMARY KEY (account_id, trail_arn)
) WITHOUT ROWID;
CREATE TABLE trail_status (
  account_id TEXT NOT NULL,
  trail_arn  TEXT NOT NULL,
  status     TEXT NOT NULL,
  PRIMARY KEY (account_id, trail_arn)
) WITHOUT ROWID;
`;

/**
 * Log file delivery, v4 (src/delivery/delivery-rows.ts). A trail's delivery stream is named
 * `<trail ARN>@<createdAtMs>` so a trail re-created under the same ARN starts a new one. Each
 * logging period is a range of event seqs (opened by StartLogging's event, closed by StopLogging's
 * or DeleteTrail's) with a cursor `after_seq`; a planned batch is written down before its objects
 * so a crash replays the same keys and contents. A range closed because the trail's selectors or
 * region scope changed keeps those settings (`intake`, JSON) so its events are judged by the
 * settings they were recorded under. Trails already logging get a range from now.
 */
const DELIVERY_V4 = `
CREATE TABLE delivery_ranges (
  stream_id   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  trail_arn   TEXT NOT NULL,
  opened_seq  INTEGER NOT NULL,
  after_seq   INTEGER NOT NULL,
  through_seq INTEGER,
  intake      TEXT,
  PRIMARY KEY (stream_id, opened_seq)
) WITHOUT ROWID;
CREATE TABLE delivery_retired (
  stream_id TEXT PRIMARY KEY,
  trail     TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE delivery_batches (
  stream_id TEXT PRIMARY KEY,
  plan      TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO delivery_ranges (stream_id, account_id, trail_arn, opened_seq, after_seq, through_seq)
SELECT t.trail_arn || '@' || json_extract(t.definition, '$.createdAtMs'), t.account_id, t.trail_arn,
       l.last_seq, l.last_seq, NULL
FROM trails t
JOIN trail_status s ON s.account_id = t.account_id AND s.trail_arn = t.trail_arn
JOIN event_log_state l ON l.id = 1
WHERE json_extract(s.status, '$.isLogging') = 1;
`;

/**
 * Log file integrity validation, v5 (src/delivery/digest-rows.ts, src/delivery/signing-keys.ts).
 * - `signing_keys`: one RSA key pair per region and validity window; the private key is stored
 *   encrypted (AES-256-GCM under a data-dir secret), never in clear.
 * - `digest_chains`: one per period a trail logs with validation on (opened by StartLogging or by
 *   enabling validation, closed by StopLogging, DeleteTrail or disabling validation), as seqs of
 *   the calls that opened and closed it.
 * - `digest_heads`: per (chain, account, region): where the next digest's window starts and the
 *   previous digest it chains to (JSON, NULL for a starting digest); `finished` once the final one
 *   is written.
 * - `digest_entries`: log files delivered in a chain and not yet listed in a digest, written in
 *   the same commit that moves the delivery cursor past them.
 * - `digest_pending`: a digest written down (bytes and signature) before its object, so a crash
 *   replays the very same object.
 */
const DIGESTS_V5 = `
CREATE TABLE signing_keys (
  region        TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  public_der    BLOB NOT NULL,
  private_key   BLOB NOT NULL,
  valid_from_ms INTEGER NOT NULL,
  valid_to_ms   INTEGER NOT NULL,
  PRIMARY KEY (region, fingerprint)
) WITHOUT ROWID;
CREATE INDEX signing_keys_by_validity ON signing_keys (region, valid_from_ms);
CREATE TABLE digest_chains (
  chain_id   INTEGER PRIMARY KEY,
  stream_id  TEXT NOT NULL,
  opened_seq INTEGER NOT NULL,
  opened_ms  INTEGER NOT NULL,
  closed_seq INTEGER,
  closed_ms  INTEGER
);
CREATE INDEX digest_chains_by_stream ON digest_chains (stream_id, opened_seq);
CREATE TABLE digest_heads (
  chain_id        INTEGER NOT NULL,
  account_id      TEXT NOT NULL,
  region          TEXT NOT NULL,
  window_start_ms INTEGER NOT NULL,
  previous        TEXT,
  finished        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (chain_id, account_id, region)
) WITHOUT ROWID;
CREATE TABLE digest_entries (
  chain_id     INTEGER NOT NULL,
  account_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  s3_object    TEXT NOT NULL,
  delivered_ms INTEGER NOT NULL,
  entry        TEXT NOT NULL,
  PRIMARY KEY (chain_id, account_id, region, s3_object)
) WITHOUT ROWID;
CREATE TABLE digest_pending (
  chain_id   INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  plan       TEXT NOT NULL,
  PRIMARY KEY (chain_id, account_id, region)
) WITHOUT ROWID;
INSERT INTO digest_chains (stream_id, opened_seq, opened_ms)
SELECT t.trail_arn || '@' || json_extract(t.definition, '$.createdAtMs'), l.last_seq,
       CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM trails t
JOIN trail_status s ON s.account_id = t.account_id AND s.trail_arn = t.trail_arn
JOIN event_log_state l ON l.id = 1
WHERE json_extract(s.status, '$.isLogging') = 1 AND json_extract(t.definition, '$.logFileValidationEnabled') = 1;
`;

/**
 * IAM and STS, v6 (src/identity/): users, roles, inline policies, login profiles and temporary
 * credentials. Loaded into memory at start-up like trails and written by upserts in the same
 * transaction as the event of the call that changed them. IAM names are unique within an account
 * regardless of case, hence the `_lc` key columns beside the names as created. An IAM user's access
 * keys stay in access_keys (one credential lookup for every kind of key), now tied to their user.
 * Temporary credentials (AssumeRole, GetSessionToken) carry their session token and expiry.
 */
const IAM_V6 = `
CREATE TABLE iam_users (
  account_id   TEXT NOT NULL REFERENCES accounts (account_id),
  user_name_lc TEXT NOT NULL,
  user_name    TEXT NOT NULL,
  user_id      TEXT NOT NULL UNIQUE,
  path         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  tags         TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (account_id, user_name_lc)
);
CREATE TABLE iam_roles (
  account_id           TEXT NOT NULL REFERENCES accounts (account_id),
  role_name_lc         TEXT NOT NULL,
  role_name            TEXT NOT NULL,
  role_id              TEXT NOT NULL UNIQUE,
  path                 TEXT NOT NULL,
  trust_policy         TEXT NOT NULL,
  description          TEXT,
  max_session_duration INTEGER NOT NULL,
  created_at           INTEGER NOT NULL,
  tags                 TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (account_id, role_name_lc)
);
CREATE TABLE iam_inline_policies (
  owner_id    TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  document    TEXT NOT NULL,
  PRIMARY KEY (owner_id, policy_name)
);
CREATE TABLE iam_login_profiles (
  user_id                 TEXT PRIMARY KEY,
  password_hash           TEXT NOT NULL,
  password_reset_required INTEGER NOT NULL,
  created_at              INTEGER NOT NULL
);
ALTER TABLE access_keys ADD COLUMN user_id TEXT;
CREATE INDEX access_keys_by_user ON access_keys (user_id) WHERE user_id IS NOT NULL;
CREATE TABLE sts_sessions (
  access_key_id     TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  session_token     TEXT NOT NULL,
  account_id        TEXT NOT NULL,
  principal_json    TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL
);
CREATE INDEX sts_sessions_by_expiry ON sts_sessions (expires_at);
`;

/**
 * Whether a call failed (its record has an errorCode), so the console's dashboard counts errors
 * from the index columns instead of reading every record. NULL in rows written before v7.
 */
const FAILED_V7 = `ALTER TABLE events ADD COLUMN failed INTEGER;`;

/**
 * Console sign-in sessions (src/console/sessions.ts), so a restart signs nobody out. Keyed by the
 * cookie's SHA-256: the cookie itself is never stored. The expiry index serves the delete of
 * expired rows that rides with each new session.
 */
const CONSOLE_SESSIONS_V8 = `
CREATE TABLE console_sessions (
  token_hash    TEXT PRIMARY KEY,
  access_key_id TEXT NOT NULL,
  csrf_token    TEXT NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: EVENT_LOG_V1 },
  { version: 2, sql: IDENTITY_V2 },
  { version: 3, sql: TRAILS_V3 },
  { version: 4, sql: DELIVERY_V4 },
  { version: 5, sql: DIGESTS_V5 },
  { version: 6, sql: IAM_V6 },
  { version: 7, sql: FAILED_V7 },
  { version: 8, sql: CONSOLE_SESSIONS_V8 },
];

/** The database was written by a newer OpenTrail; opening it could corrupt or misread it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `database schema version ${found} is newer than this OpenTrail supports (${known}); ` +
        'run the newer OpenTrail release that created it, or point this one at another data directory',
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface MigrationResult {
  from: number;
  to: number;
}

/** Brings `db` up to the newest migration; refuses a database newer than `migrations`. */
export function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationResult {
  checkOrder(migrations);
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const from = schemaVersion(db);
  if (from > known) throw new SchemaTooNewError(from, known);
  for (const m of migrations) {
    if (m.version <= from) continue;
    // IMMEDIATE: take the write lock before reading anything, so two processes opening the same
    // new file cannot both apply the same migration.
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, known) };
}

export function schemaVersion(db: BetterSqlite3.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration #${i} has version ${m.version}; versions must be 1, 2, 3, ...`);
    }
  });
}
