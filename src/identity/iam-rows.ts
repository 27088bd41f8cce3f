/**
 * How IAM entities are stored in SQLite (tables of migration 6) and read back at start-up. Every
 * write is a whole-row upsert or a delete keyed by the entity's id, so replaying one is harmless
 * and a rename (which changes the `_lc` key) is a delete plus an insert. IAM users' access keys
 * are rows of access_keys, tied to the user by `user_id`, with the user's principal beside them
 * for the credential lookup.
 */
import type { IamUserPrincipal } from '../aws/principal.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserRow {
  accountId: string;
  userName: string;
  userId: string;
  path: string;
  createdAt: number;
  tags: Tag[];
}

export interface RoleRow {
  accountId: string;
  roleName: string;
  roleId: string;
  path: string;
  /** The trust policy as the client sent it (GetRole returns it so, URL-encoded). */
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  createdAt: number;
  tags: Tag[];
}

export interface InlinePolicyRow {
  ownerId: string;
  policyName: string;
  document: string;
}

export interface LoginProfileRow {
  userId: string;
  passwordHash: string;
  passwordResetRequired: boolean;
  createdAt: number;
}

export interface UserKeyRow {
  accessKeyId: string;
  /** Kept so a key made Active again can authenticate before its commit (never shown). */
  secretAccessKey: string;
  userId: string;
  status: 'Active' | 'Inactive';
  createdAt: number;
}

const DELETE_USER = 'DELETE FROM iam_users WHERE user_id = ?';
const INSERT_USER = `INSERT INTO iam_users (account_id, user_name_lc, user_name, user_id, path, created_at, tags)
VALUES (?, ?, ?, ?, ?, ?, ?)`;
const DELETE_ROLE = 'DELETE FROM iam_roles WHERE role_id = ?';
const INSERT_ROLE = `INSERT INTO iam_roles (account_id, role_name_lc, role_name, role_id, path, trust_policy, description,
  max_session_duration, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPSERT_POLICY = `INSERT INTO iam_inline_policies (owner_id, policy_name, document) VALUES (?, ?, ?)
ON CONFLICT (owner_id, policy_name) DO UPDATE SET document = excluded.document`;
const DELETE_POLICY = 'DELETE FROM iam_inline_policies WHERE owner_id = ? AND policy_name = ?';
const UPSERT_PROFILE = `INSERT INTO iam_login_profiles (user_id, password_hash, password_reset_required, created_at)
VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash,
  password_reset_required = excluded.password_reset_required`;
const DELETE_PROFILE = 'DELETE FROM iam_login_profiles WHERE user_id = ?';
const INSERT_KEY = `INSERT OR REPLACE INTO access_keys
  (access_key_id, secret_access_key, account_id, principal_type, principal_json, status, created_at, user_id)
VALUES (?, ?, ?, 'IAMUser', ?, ?, ?, ?)`;
const UPDATE_KEY_STATUS = 'UPDATE access_keys SET status = ? WHERE access_key_id = ?';
const UPDATE_KEY_PRINCIPAL = 'UPDATE access_keys SET principal_json = ? WHERE access_key_id = ?';
const DELETE_KEY = 'DELETE FROM access_keys WHERE access_key_id = ?';
const SET_ALIAS = 'UPDATE accounts SET alias = ? WHERE account_id = ?';

export function saveUser(u: UserRow): StateChange[] {
  return [
    { sql: DELETE_USER, params: [u.userId] },
    {
      sql: INSERT_USER,
      params: [u.accountId, u.userName.toLowerCase(), u.userName, u.userId, u.path, u.createdAt, JSON.stringify(u.tags)],
    },
  ];
}

export const deleteUser = (userId: string): StateChange => ({ sql: DELETE_USER, params: [userId] });

export function saveRole(r: RoleRow): StateChange[] {
  return [
    { sql: DELETE_ROLE, params: [r.roleId] },
    {
      sql: INSERT_ROLE,
      params: [
        r.accountId,
        r.roleName.toLowerCase(),
        r.roleName,
        r.roleId,
        r.path,
        r.trustPolicy,
        r.description ?? null,
        r.maxSessionDuration,
        r.createdAt,
        JSON.stringify(r.tags),
      ],
    },
  ];
}

export const deleteRole = (roleId: string): StateChange => ({ sql: DELETE_ROLE, params: [roleId] });

export const savePolicy = (p: InlinePolicyRow): StateChange => ({
  sql: UPSERT_POLICY,
  params: [p.ownerId, p.policyName, p.document],
});

export const deletePolicy = (ownerId: string, policyName: string): StateChange => ({
  sql: DELETE_POLICY,
  params: [ownerId, policyName],
});

export const saveLoginProfile = (p: LoginProfileRow): StateChange => ({
  sql: UPSERT_PROFILE,
  params: [p.userId, p.passwordHash, p.passwordResetRequired ? 1 : 0, p.createdAt],
});

export const deleteLoginProfile = (userId: string): StateChange => ({ sql: DELETE_PROFILE, params: [userId] });

export const insertKey = (k: UserKeyRow, principal: IamUserPrincipal): StateChange => ({
  sql: INSERT_KEY,
  params: [k.accessKeyId, k.secretAccessKey, principal.accountId, JSON.stringify(principal), k.status, k.createdAt, k.userId],
});

export const keyStatus = (accessKeyId: string, status: UserKeyRow['status']): StateChange => ({
  sql: UPDATE_KEY_STATUS,
  params: [status, accessKeyId],
});

export const keyPrincipal = (principal: IamUserPrincipal): StateChange => ({
  sql: UPDATE_KEY_PRINCIPAL,
  params: [JSON.stringify(principal), principal.accessKeyId],
});

export const deleteKey = (accessKeyId: string): StateChange => ({ sql: DELETE_KEY, params: [accessKeyId] });

export const setAlias = (accountId: string, alias: string | undefined): StateChange => ({
  sql: SET_ALIAS,
  params: [alias ?? null, accountId],
});

export interface IamRows {
  users: UserRow[];
  roles: RoleRow[];
  policies: InlinePolicyRow[];
  profiles: LoginProfileRow[];
  keys: UserKeyRow[];
}

/** Everything stored, for the directory's start-up. Rows are only written by the functions above. */
export function loadIam(db: SqliteDatabase): IamRows {
  const users = db
    .prepare('SELECT account_id, user_name, user_id, path, created_at, tags FROM iam_users')
    .all() as { account_id: string; user_name: string; user_id: string; path: string; created_at: number; tags: string }[];
  const roles = db
    .prepare(
      `SELECT account_id, role_name, role_id, path, trust_policy, description, max_session_duration, created_at, tags
       FROM iam_roles`,
    )
    .all() as {
    account_id: string;
    role_name: string;
    role_id: string;
    path: string;
    trust_policy: string;
    description: string | null;
    max_session_duration: number;
    created_at: number;
    tags: string;
  }[];
  const policies = db.prepare('SELECT owner_id, policy_name, document FROM iam_inline_policies').all() as {
    owner_id: string;
    policy_name: string;
    document: string;
  }[];
  const profiles = db
    .prepare('SELECT user_id, password_hash, password_reset_required, created_at FROM iam_login_profiles')
    .all() as { user_id: string; password_hash: string; password_reset_required: number; created_at: number }[];
  const keys = db
    .prepare('SELECT access_key_id, secret_access_key, user_id, status, created_at FROM access_keys WHERE user_id IS NOT NULL')
    .all() as { access_key_id: string; secret_access_key: string; user_id: string; status: UserKeyRow['status']; created_at: number }[];
  return {
    users: users.map((u) => ({
      accountId: u.account_id,
      userName: u.user_name,
      userId: u.user_id,
      path: u.path,
      createdAt: u.created_at,
      tags: JSON.parse(u.tags) as Tag[],
    })),
    roles: roles.map((r) => ({
      accountId: r.account_id,
      roleName: r.role_name,
      roleId: r.role_id,
      path: r.path,
      trustPolicy: r.trust_policy,
      ...(r.description !== null ? { description: r.description } : {}),
      maxSessionDuration: r.max_session_duration,
      createdAt: r.created_at,
      tags: JSON.parse(r.tags) as Tag[],
    })),
    policies: policies.map((p) => ({ ownerId: p.owner_id, policyName: p.policy_name, document: p.document })),
    profiles: profiles.map((p) => ({
      userId: p.user_id,
      passwordHash: p.password_hash,
      passwordResetRequired: p.password_reset_required === 1,
      createdAt: p.created_at,
    })),
    keys: keys.map((k) => ({
      accessKeyId: k.access_key_id,
      secretAccessKey: k.secret_access_key,
      userId: k.user_id,
      status: k.status,
      createdAt: k.created_at,
    })),
  };
}
