/**
 * How a trail is stored in SQLite (tables of migration 3): one `trails` row per (account, ARN)
 * holding the settings, selectors and tags as JSON columns, and one `trail_status` row holding
 * logging and delivery status (which changes far more often). Every statement is an idempotent
 * upsert or delete of a whole row, so replaying one is harmless; the SQL texts are constants so
 * the writer's statement cache stays small.
 */
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';
import type { Trail, TrailStatus } from './trail.js';

const UPSERT_TRAIL = `INSERT INTO trails (account_id, trail_arn, definition, selectors, tags) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (account_id, trail_arn) DO UPDATE SET
  definition = excluded.definition, selectors = excluded.selectors, tags = excluded.tags`;
const UPSERT_STATUS = `INSERT INTO trail_status (account_id, trail_arn, status) VALUES (?, ?, ?)
ON CONFLICT (account_id, trail_arn) DO UPDATE SET status = excluded.status`;
const DELETE_TRAIL = 'DELETE FROM trails WHERE account_id = ? AND trail_arn = ?';
const DELETE_STATUS = 'DELETE FROM trail_status WHERE account_id = ? AND trail_arn = ?';
const SELECT_ALL = `SELECT t.definition, t.selectors, t.tags, s.status
FROM trails t LEFT JOIN trail_status s ON s.account_id = t.account_id AND s.trail_arn = t.trail_arn`;

interface Row {
  definition: string;
  selectors: string;
  tags: string;
  status: string | null;
}

type Definition = Omit<Trail, 'selectors' | 'hasCustomEventSelectors' | 'insightSelectors' | 'tags' | 'status'>;
type Selectors = Pick<Trail, 'selectors' | 'hasCustomEventSelectors' | 'insightSelectors'>;

export function saveTrail(t: Trail): StateChange[] {
  const { selectors, hasCustomEventSelectors, insightSelectors, tags, status, ...definition } = t;
  const sel: Selectors = { selectors, hasCustomEventSelectors, insightSelectors };
  return [
    {
      sql: UPSERT_TRAIL,
      params: [t.accountId, t.arn, JSON.stringify(definition), JSON.stringify(sel), JSON.stringify(tags)],
    },
    saveStatus(t),
  ];
}

export function saveStatus(t: Trail): StateChange {
  return { sql: UPSERT_STATUS, params: [t.accountId, t.arn, JSON.stringify(t.status)] };
}

export function deleteTrail(accountId: string, arn: string): StateChange[] {
  return [
    { sql: DELETE_STATUS, params: [accountId, arn] },
    { sql: DELETE_TRAIL, params: [accountId, arn] },
  ];
}

/** Every stored trail. The rows are only ever written by saveTrail/saveStatus, hence the casts. */
export function loadTrails(db: SqliteDatabase): Trail[] {
  const rows = db.prepare(SELECT_ALL).all() as Row[];
  return rows.map((row) => {
    const definition = JSON.parse(row.definition) as Definition;
    const selectors = JSON.parse(row.selectors) as Selectors;
    const tags = JSON.parse(row.tags) as Trail['tags'];
    const status: TrailStatus = row.status ? (JSON.parse(row.status) as TrailStatus) : { isLogging: false, delivery: {} };
    return { ...definition, ...selectors, tags, status };
  });
}
