/**
 * Maps the event log's repeated values to small integers: (account, region, category) → scope id
 * (event_scopes) and strings → string id (event_strings). Small keys keep every lookup index
 * narrow, which is what makes ingest cheap. Ids are cached in memory; ids created inside a write
 * transaction are forgotten again if that transaction rolls back.
 */
import type { SqliteDatabase } from './database.js';

export type Category = 'management' | 'data' | 'insight';

export interface Scope {
  accountId: string;
  region: string;
  category: Category;
}

/** Past this many cached strings the cache starts over (bounded memory with many access keys). */
const MAX_CACHED_STRINGS = 200_000;

export class Interner {
  private readonly scopeIds = new Map<string, number>();
  private readonly scopesById = new Map<number, Scope>();
  private readonly stringIds = new Map<string, number>();
  /** Cache keys created by the open write transaction (scope keys are prefixed with \u0001). */
  private fresh: string[] = [];

  private readonly selectString;
  private readonly insertString;
  private readonly selectScope;
  private readonly insertScope;
  private readonly selectScopeById;
  private readonly selectAllScopes;

  constructor(db: SqliteDatabase) {
    this.selectString = db.prepare('SELECT id FROM event_strings WHERE value = ?').pluck();
    this.insertString = db.prepare('INSERT INTO event_strings (value) VALUES (?)');
    this.selectScope = db
      .prepare('SELECT id FROM event_scopes WHERE account_id = ? AND region = ? AND category = ?')
      .pluck();
    this.insertScope = db.prepare(
      'INSERT INTO event_scopes (account_id, region, category) VALUES (?, ?, ?)',
    );
    this.selectScopeById = db.prepare(
      'SELECT account_id AS accountId, region, category FROM event_scopes WHERE id = ?',
    );
    this.selectAllScopes = db.prepare('SELECT id FROM event_scopes ORDER BY id').pluck();
  }

  /** Id of `value`, creating it. Call only inside a write transaction. */
  stringId(value: string): number {
    const cached = this.stringIds.get(value);
    if (cached !== undefined) return cached;
    let id = this.selectString.get(value) as number | undefined;
    if (id === undefined) {
      id = Number(this.insertString.run(value).lastInsertRowid);
      this.fresh.push(value);
    }
    if (this.stringIds.size >= MAX_CACHED_STRINGS) this.forgetStrings();
    this.stringIds.set(value, id);
    return id;
  }

  /** Id of `value` if any event ever used it; never writes. */
  findStringId(value: string): number | undefined {
    const cached = this.stringIds.get(value);
    if (cached !== undefined) return cached;
    return this.selectString.get(value) as number | undefined;
  }

  /** Scope id, creating it. Call only inside a write transaction. */
  scopeId(accountId: string, region: string, category: Category): number {
    const key = scopeKey(accountId, region, category);
    const cached = this.scopeIds.get(key);
    if (cached !== undefined) return cached;
    let id = this.selectScope.get(accountId, region, category) as number | undefined;
    if (id === undefined) {
      id = Number(this.insertScope.run(accountId, region, category).lastInsertRowid);
      this.fresh.push(`\u0001${key}`);
    }
    this.scopeIds.set(key, id);
    return id;
  }

  findScopeId(accountId: string, region: string, category: Category): number | undefined {
    const key = scopeKey(accountId, region, category);
    const cached = this.scopeIds.get(key);
    if (cached !== undefined) return cached;
    const id = this.selectScope.get(accountId, region, category) as number | undefined;
    if (id !== undefined) this.scopeIds.set(key, id);
    return id;
  }

  /** The scope behind an id read from an events row. */
  scope(id: number): Scope {
    let scope = this.scopesById.get(id);
    if (scope === undefined) {
      scope = this.selectScopeById.get(id) as Scope | undefined;
      if (scope === undefined) throw new Error(`event log is inconsistent: no scope ${id}`);
      this.scopesById.set(id, scope);
    }
    return scope;
  }

  allScopeIds(): number[] {
    return this.selectAllScopes.all() as number[];
  }

  /** The write transaction committed: its new ids are real. */
  committed(): void {
    this.fresh = [];
  }

  /** The write transaction rolled back: ids it created no longer exist. */
  rolledBack(): void {
    for (const key of this.fresh) {
      if (key.startsWith('\u0001')) this.scopeIds.delete(key.slice(1));
      else this.stringIds.delete(key);
    }
    this.fresh = [];
  }

  private forgetStrings(): void {
    // Keep entries created by the open transaction so a rollback can still find and drop them.
    const keep = new Set(this.fresh);
    for (const key of this.stringIds.keys()) if (!keep.has(key)) this.stringIds.delete(key);
  }
}

function scopeKey(accountId: string, region: string, category: string): string {
  return `${accountId}\u0000${region}\u0000${category}`;
}
