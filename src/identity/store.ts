/**
 * Account registry and access keys (the identity half of the Metadata store). IAM users' keys
 * live in the same table with their principal (src/identity/iam-directory.ts writes them through
 * StateChanges). Keys are cached in memory because every request looks one up; writes go through
 * this class, or tell it (`stageCredential`, `stageAlias`) ahead of their commit, so the cache
 * stays true. Account aliases are kept in memory and applied to root principals on every lookup.
 */
import type { Database } from 'better-sqlite3';
import type { Credential, CredentialProvider, Principal } from '../aws/principal.js';

export interface Account {
  accountId: string;
  alias?: string;
  createdAt: number;
}

interface KeyRow {
  access_key_id: string;
  secret_access_key: string;
  principal_json: string;
  status: string;
}

export class IdentityStore implements CredentialProvider {
  private readonly cache = new Map<string, Credential | null>();
  /** account → alias, for the accounts that have one. */
  private readonly aliases = new Map<string, string>();

  constructor(private readonly db: Database) {
    const rows = db.prepare('SELECT account_id, alias FROM accounts WHERE alias IS NOT NULL').all() as {
      account_id: string;
      alias: string;
    }[];
    for (const r of rows) this.aliases.set(r.account_id, r.alias);
  }

  ensureAccount(accountId: string, now: number): Account {
    this.db
      .prepare('INSERT OR IGNORE INTO accounts (account_id, created_at) VALUES (?, ?)')
      .run(accountId, now);
    return this.getAccount(accountId)!;
  }

  getAccount(accountId: string): Account | undefined {
    const row = this.db
      .prepare('SELECT account_id, alias, created_at FROM accounts WHERE account_id = ?')
      .get(accountId) as { account_id: string; alias: string | null; created_at: number } | undefined;
    if (!row) return undefined;
    // The in-memory alias already reflects a staged change whose commit is still on its way.
    const alias = this.aliases.get(accountId);
    return { accountId: row.account_id, createdAt: row.created_at, ...(alias ? { alias } : {}) };
  }

  /** The account an alias names (aliases are unique across accounts, as AWS's). */
  accountWithAlias(alias: string): string | undefined {
    for (const [accountId, a] of this.aliases) if (a === alias) return accountId;
    return undefined;
  }

  /**
   * Sets (or, undefined, removes) the account's alias in memory ahead of the commit of the SQL
   * that stores it; root principals carry the new alias at once. Returns the undo.
   */
  stageAlias(accountId: string, alias: string | undefined): () => void {
    const previous = this.aliases.get(accountId);
    const set = (a: string | undefined) => (a === undefined ? this.aliases.delete(accountId) : this.aliases.set(accountId, a));
    set(alias);
    return () => set(previous);
  }

  /**
   * Makes lookups of `accessKeyId` answer `credential` (null: refuse the key) at once, ahead of
   * the commit of the SQL that makes it durable: a deactivated key stops working immediately.
   * Returns the undo, which restores exactly what was cached before.
   */
  stageCredential(accessKeyId: string, credential: Credential | null): () => void {
    const had = this.cache.has(accessKeyId);
    const previous = this.cache.get(accessKeyId);
    this.cache.set(accessKeyId, credential);
    return () => {
      if (had) this.cache.set(accessKeyId, previous ?? null);
      else this.cache.delete(accessKeyId);
    };
  }

  /** Access key ids of the account's root user, oldest first. */
  rootKeyIds(accountId: string): string[] {
    const rows = this.db
      .prepare(
        "SELECT access_key_id FROM access_keys WHERE account_id = ? AND principal_type = 'Root' ORDER BY created_at",
      )
      .all(accountId) as { access_key_id: string }[];
    return rows.map((r) => r.access_key_id);
  }

  /** Adds (or replaces the secret of) an active access key for a principal. */
  putAccessKey(principal: Principal, secretAccessKey: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO access_keys (access_key_id, secret_access_key, account_id, principal_type, principal_json, status, created_at)
         VALUES (@id, @secret, @account, @type, @principal, 'Active', @now)
         ON CONFLICT(access_key_id) DO UPDATE SET secret_access_key = excluded.secret_access_key,
           account_id = excluded.account_id, principal_type = excluded.principal_type,
           principal_json = excluded.principal_json, status = 'Active'`,
      )
      .run({
        id: principal.accessKeyId,
        secret: secretAccessKey,
        account: principal.accountId,
        type: principal.type,
        principal: JSON.stringify(principal),
        now,
      });
    this.cache.delete(principal.accessKeyId);
  }

  lookup(accessKeyId: string): Credential | undefined {
    const cached = this.cache.get(accessKeyId);
    if (cached !== undefined) return cached ? this.withAlias(cached) : undefined;
    const row = this.db
      .prepare(
        'SELECT access_key_id, secret_access_key, principal_json, status FROM access_keys WHERE access_key_id = ?',
      )
      .get(accessKeyId) as KeyRow | undefined;
    const credential =
      row && row.status === 'Active'
        ? {
            accessKeyId: row.access_key_id,
            secretAccessKey: row.secret_access_key,
            principal: JSON.parse(row.principal_json) as Principal,
          }
        : null;
    // Unknown ids are cached too (bounded) so a flood of bad keys costs no queries.
    if (credential || this.cache.size < 10_000) this.cache.set(accessKeyId, credential);
    return credential ? this.withAlias(credential) : undefined;
  }

  /** The root user's record name follows the account alias, as it is when the call is made. */
  private withAlias(c: Credential): Credential {
    if (c.principal.type !== 'Root') return c;
    const alias = this.aliases.get(c.principal.accountId);
    return alias ? { ...c, principal: { ...c.principal, accountAlias: alias } } : c;
  }
}
