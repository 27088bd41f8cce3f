/**
 * Temporary credentials issued by STS (AssumeRole, GetSessionToken): an `ASIA…` access key id, a
 * secret and a session token, valid until an expiry. Kept in memory because every request signed
 * with one looks it up; persisted in `sts_sessions` through the StateChanges `issue` returns, which
 * commit with the call's event (DESIGN invariant 1), and reloaded at start-up.
 *
 * An expired session stays known for a day so its caller is told ExpiredToken (as AWS answers)
 * rather than that the key is unknown; after that it is forgotten, in memory and in the table (the
 * delete rides with the next issue, so this store never writes on its own).
 */
import { randomBytes } from 'node:crypto';
import type { Credential, CredentialProvider, Principal } from '../aws/principal.js';
import { awsId, secretAccessKey } from '../lib/ids.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';
import type { Staged } from '../trails/registry.js';

/** How long an expired session is still recognised (and refused as expired). */
export const EXPIRED_SESSION_MEMORY_MS = 24 * 3600 * 1000;
/** Temporary access key ids start so; long-term ones with AKIA. */
export const TEMPORARY_KEY_PREFIX = 'ASIA';
/** AWS's tokens run to hundreds of base64 characters; 288 random bytes make 384. */
const SESSION_TOKEN_BYTES = 288;
/** At most one in-memory sweep of forgotten sessions per this interval. */
const SWEEP_INTERVAL_MS = 60_000;

const INSERT = `INSERT INTO sts_sessions
  (access_key_id, secret_access_key, session_token, account_id, principal_json, created_at, expires_at)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
const FORGET = 'DELETE FROM sts_sessions WHERE expires_at < ?';
const SELECT_LIVE = `SELECT access_key_id, secret_access_key, session_token, principal_json, expires_at
  FROM sts_sessions WHERE expires_at >= ?`;

/** A temporary credential: the token and expiry are always there. */
export type SessionCredential = Credential & { sessionToken: string; expiresAt: number };

export interface SessionRequest {
  /** The session's principal, built once its access key id is known. */
  principal(accessKeyId: string): Principal;
  /** ms since epoch when the credentials are issued. */
  now: number;
  durationSeconds: number;
}

interface Row {
  access_key_id: string;
  secret_access_key: string;
  session_token: string;
  principal_json: string;
  expires_at: number;
}

/** True for access key ids this store issues (the pipeline asks it, not the identity store). */
export function isTemporaryKeyId(accessKeyId: string): boolean {
  return accessKeyId.startsWith(TEMPORARY_KEY_PREFIX);
}

export class SessionStore implements CredentialProvider {
  private readonly sessions = new Map<string, SessionCredential>();
  private lastSweep = 0;

  /** Every session not yet forgotten at `now`. */
  static load(db: SqliteDatabase, now: number): SessionStore {
    const store = new SessionStore();
    const rows = db.prepare(SELECT_LIVE).all(now - EXPIRED_SESSION_MEMORY_MS) as Row[];
    for (const r of rows) {
      store.sessions.set(r.access_key_id, {
        accessKeyId: r.access_key_id,
        secretAccessKey: r.secret_access_key,
        sessionToken: r.session_token,
        expiresAt: r.expires_at,
        principal: JSON.parse(r.principal_json) as Principal,
      });
    }
    store.lastSweep = now;
    return store;
  }

  /** Expired sessions are still returned (SigV4 verification refuses them as expired). */
  lookup(accessKeyId: string): SessionCredential | undefined {
    return this.sessions.get(accessKeyId);
  }

  /**
   * New credentials, usable at once; `changes` make them durable with the call's event and also
   * forget sessions expired long enough ago, `rollback` withdraws them if that commit fails.
   */
  issue(req: SessionRequest): { credential: SessionCredential; staged: Staged } {
    this.sweep(req.now);
    const accessKeyId = awsId(TEMPORARY_KEY_PREFIX, 16);
    const principal = req.principal(accessKeyId);
    const credential: SessionCredential = {
      accessKeyId,
      secretAccessKey: secretAccessKey(),
      sessionToken: randomBytes(SESSION_TOKEN_BYTES).toString('base64'),
      // Whole seconds, as AWS's Expiration always is.
      expiresAt: Math.floor(req.now / 1000) * 1000 + req.durationSeconds * 1000,
      principal,
    };
    this.sessions.set(accessKeyId, credential);
    const changes: StateChange[] = [
      {
        sql: INSERT,
        params: [
          accessKeyId,
          credential.secretAccessKey,
          credential.sessionToken,
          principal.accountId,
          JSON.stringify(principal),
          req.now,
          credential.expiresAt,
        ],
      },
      { sql: FORGET, params: [req.now - EXPIRED_SESSION_MEMORY_MS] },
    ];
    return { credential, staged: { changes, rollback: () => this.sessions.delete(accessKeyId) } };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [id, s] of this.sessions) {
      if (s.expiresAt < now - EXPIRED_SESSION_MEMORY_MS) this.sessions.delete(id);
    }
  }
}
