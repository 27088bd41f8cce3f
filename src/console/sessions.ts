/**
 * Console sign-in sessions: the cookie a browser holds, mapped to the STS session credential the
 * console acts with and the CSRF token its pages must echo. Keyed by the SHA-256 of the cookie,
 * in memory and in `console_sessions` (neither a memory dump nor the database shows a usable
 * cookie), so a restart signs nobody out. A new session's row commits with its ConsoleLogin
 * event (the StateChanges `create` stages, DESIGN invariant 1) and also forgets expired rows, as
 * SessionStore does; sign-out deletes the row before it answers. Expiry is read from the
 * injected clock (DESIGN invariant 4).
 *
 * The cookie is HttpOnly (pages cannot read it), SameSite=Strict (other sites' requests do not
 * carry it), scoped to /console, and Secure when the browser will send it back: over TLS (this
 * server's, or a trusted proxy's that says X-Forwarded-Proto: https), and on loopback hosts,
 * which browsers treat as secure contexts even over plain http. On a plain-http LAN address a
 * Secure cookie would never come back, so the flag is left off there; use TLS for a console
 * reached over a network.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { EventLog } from '../store/event-log.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { Staged } from '../trails/registry.js';

export const COOKIE_NAME = 'opentrail-console';
/** Expired sessions are swept at most this often (they are also removed when presented). */
const SWEEP_INTERVAL_MS = 60_000;

const INSERT = 'INSERT INTO console_sessions (token_hash, access_key_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)';
const FORGET_EXPIRED = 'DELETE FROM console_sessions WHERE expires_at <= ?';
const DELETE = 'DELETE FROM console_sessions WHERE token_hash = ?';
const SELECT_LIVE = 'SELECT token_hash, access_key_id, csrf_token, expires_at FROM console_sessions WHERE expires_at > ?';

interface Row {
  token_hash: string;
  access_key_id: string;
  csrf_token: string;
  expires_at: number;
}

export interface ConsoleSession {
  /** The STS session credential's (ASIA…) access key id. */
  accessKeyId: string;
  csrfToken: string;
  /** ms since epoch. */
  expiresAt: number;
}

export type SessionLookup =
  | { state: 'none' }
  | { state: 'expired' }
  | { state: 'live'; session: ConsoleSession; cookie: string };

const token = (): string => randomBytes(32).toString('base64url');
const digest = (cookie: string): string => createHash('sha256').update(cookie).digest('base64url');

export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly eventLog: EventLog,
  ) {}

  /** The sessions of `console_sessions` still live now. */
  static load(db: SqliteDatabase, clock: Clock, eventLog: EventLog): ConsoleSessions {
    const sessions = new ConsoleSessions(clock, eventLog);
    const now = clock.now();
    for (const r of db.prepare(SELECT_LIVE).all(now) as Row[]) {
      sessions.sessions.set(r.token_hash, { accessKeyId: r.access_key_id, csrfToken: r.csrf_token, expiresAt: r.expires_at });
    }
    sessions.lastSweep = now;
    return sessions;
  }

  /**
   * A new session, usable at once; the returned cookie value is known only to the browser from
   * now on. `staged.changes` make it durable (commit them with the sign-in's event) and forget
   * expired rows; `staged.rollback` withdraws it if that commit fails.
   */
  create(accessKeyId: string, expiresAt: number): { cookie: string; session: ConsoleSession; staged: Staged } {
    this.sweep();
    const cookie = token();
    const key = digest(cookie);
    const session: ConsoleSession = { accessKeyId, csrfToken: token(), expiresAt };
    this.sessions.set(key, session);
    const changes = [
      { sql: INSERT, params: [key, accessKeyId, session.csrfToken, expiresAt] },
      { sql: FORGET_EXPIRED, params: [this.clock.now()] },
    ];
    return { cookie, session, staged: { changes, rollback: () => this.sessions.delete(key) } };
  }

  /** The session a Cookie header names; an expired one is forgotten as it is reported. */
  find(cookieHeader: string | undefined): SessionLookup {
    const cookie = cookieValue(cookieHeader);
    if (cookie === undefined) return { state: 'none' };
    const key = digest(cookie);
    const session = this.sessions.get(key);
    if (!session) return { state: 'expired' };
    if (session.expiresAt <= this.clock.now()) {
      this.sessions.delete(key);
      return { state: 'expired' };
    }
    return { state: 'live', session, cookie };
  }

  /** Ends a session; resolves once its row is gone, so a restart cannot bring it back. */
  async delete(cookie: string): Promise<void> {
    const key = digest(cookie);
    this.sessions.delete(key);
    await this.eventLog.append([], [{ sql: DELETE, params: [key] }]);
  }

  clear(): void {
    this.sessions.clear();
  }

  private sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(key);
  }
}

/** Constant-time comparison of the sent CSRF token with the session's. */
export function csrfMatches(session: ConsoleSession, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The console cookie's value in a Cookie header, if any. */
export function cookieValue(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE_NAME) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** True when browsers send a Secure cookie back to `host` over plain http (loopback). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name.toLowerCase() === 'localhost' || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]';
}

/** The Set-Cookie value; maxAgeSeconds 0 clears the cookie. */
export function setCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE_NAME}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
