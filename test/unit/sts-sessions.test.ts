/**
 * SessionStore: credentials in AWS's shapes, usable at once, durable only through the changes
 * they hand over (and withdrawn by rollback), reloaded at start-up, and forgotten a day after
 * they expire (until then still known, so SigV4 refuses them as expired rather than unknown).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import type { StateChange } from '../../src/store/state-change.js';
import type { AssumedRolePrincipal } from '../../src/aws/principal.js';
import { EXPIRED_SESSION_MEMORY_MS, isTemporaryKeyId, SessionStore } from '../../src/identity/sessions.js';

const T0 = Date.UTC(2026, 0, 1);
const ACCOUNT = '123456789012';

function commit(db: SqliteDatabase, changes: StateChange[]): void {
  db.transaction(() => {
    for (const c of changes) db.prepare(c.sql).run(...c.params);
  })();
}

const role = (accessKeyId: string): AssumedRolePrincipal => ({
  type: 'AssumedRole',
  accountId: ACCOUNT,
  accessKeyId,
  roleId: 'AROAEXAMPLEROLEID123',
  roleName: 'Deployer',
  rolePath: '/',
  sessionName: 'ci',
  sessionCreatedAt: T0,
  mfaAuthenticated: false,
});

describe('SessionStore', () => {
  test('issues ASIA keys, 40-char secrets and long base64 tokens, usable before any commit', () => {
    const db = openDatabase(':memory:');
    const store = SessionStore.load(db, T0);
    const { credential, staged } = store.issue({ principal: role, now: T0, durationSeconds: 900 });
    assert.match(credential.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(isTemporaryKeyId(credential.accessKeyId));
    assert.equal(credential.secretAccessKey.length, 40);
    assert.match(credential.sessionToken, /^[A-Za-z0-9+/]{300,}={0,2}$/);
    assert.equal(credential.expiresAt, T0 + 900_000);
    assert.equal(credential.principal.accessKeyId, credential.accessKeyId, 'the principal carries its own key');
    assert.equal(store.lookup(credential.accessKeyId), credential);
    assert.equal(db.prepare('SELECT count(*) FROM sts_sessions').pluck().get(), 0, 'the store never writes itself');
    assert.ok(staged.changes.length > 0);
    const other = store.issue({ principal: role, now: T0, durationSeconds: 900 }).credential;
    assert.notEqual(other.accessKeyId, credential.accessKeyId);
    assert.notEqual(other.sessionToken, credential.sessionToken);
  });

  test('committed sessions reload equal; rolled back ones are gone', () => {
    const db = openDatabase(':memory:');
    const store = SessionStore.load(db, T0);
    const kept = store.issue({ principal: role, now: T0, durationSeconds: 3600 });
    commit(db, kept.staged.changes);
    const dropped = store.issue({ principal: role, now: T0, durationSeconds: 3600 });
    dropped.staged.rollback();
    assert.equal(store.lookup(dropped.credential.accessKeyId), undefined);
    const reloaded = SessionStore.load(db, T0 + 1000);
    assert.deepEqual(reloaded.lookup(kept.credential.accessKeyId), kept.credential);
    assert.equal(reloaded.lookup(dropped.credential.accessKeyId), undefined);
  });

  test('expired sessions stay known for a day, then are forgotten in memory and in the table', () => {
    const db = openDatabase(':memory:');
    const store = SessionStore.load(db, T0);
    const old = store.issue({ principal: role, now: T0, durationSeconds: 900 });
    commit(db, old.staged.changes);
    const expiry = old.credential.expiresAt;
    assert.ok(SessionStore.load(db, expiry + 1000).lookup(old.credential.accessKeyId), 'expired but remembered');
    const later = expiry + EXPIRED_SESSION_MEMORY_MS + 1000;
    assert.equal(SessionStore.load(db, later).lookup(old.credential.accessKeyId), undefined, 'not loaded once forgotten');
    // The next issue forgets it in memory and carries the delete with its own row.
    const next = store.issue({ principal: role, now: later, durationSeconds: 900 });
    assert.equal(store.lookup(old.credential.accessKeyId), undefined);
    commit(db, next.staged.changes);
    const ids = db.prepare('SELECT access_key_id FROM sts_sessions').pluck().all();
    assert.deepEqual(ids, [next.credential.accessKeyId]);
  });
});
