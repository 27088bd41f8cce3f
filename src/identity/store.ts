/**
 * Account registry and access keys (the identity half of the Metadata store). The identity
 * issue adds IAM users and roles; their keys live in the same table with their principal.
 * Keys are cached in memory because every request looks one up; writes go through this class
 * so the cache stays true.
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

  constructor(private readonly db: Database) {}

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
    return { accountId: row.account_id, createdAt: row.created_at, ...(row.alias ? { alias: row.alias } : {}) };
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
    if (cached !== undefined) return cached ?? undefined;
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
            principal: this.withAlias(JSON.parse(row.principal_json) as Principal),
          }
        : null;
    // Unknown ids are cached too (bounded) so a flood of bad keys costs no queries.
    if (credential || this.cache.size < 10_000) this.cache.set(accessKeyId, credential);
    return credential ?? undefined;
  }

  private withAlias(p: Principal): Principal {
    if (p.type !== 'Root') return p;
    const alias = this.getAccount(p.accountId)?.alias;
    return alias ? { ...p, accountAlias: alias } : p;
  }
}
