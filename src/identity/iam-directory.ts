/**
 * Every IAM user, role, inline policy, user access key, login profile and account alias, in
 * memory: loaded once at start-up, changed synchronously by the IAM handlers (later requests see
 * a change at once) and persisted through the StateChanges each change returns, which commit
 * with the call's event (DESIGN invariant 1); `rollback` undoes the in-memory change if that
 * commit fails. Changes to access keys reach the credential cache (IdentityStore) at once too,
 * so a deactivated key or a renamed user takes effect on the next request.
 *
 * Names are unique per account regardless of case (AWS's rule): maps are keyed by lower case.
 * Methods check what AWS checks and throw IAM's errors (iam-errors.ts).
 */
import { iamArn, type Credential, type IamUserPrincipal, type Principal } from '../aws/principal.js';
import type { PolicyDocument } from '../policy/document.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { Staged } from '../trails/registry.js';
import { awsId, secretAccessKey } from '../lib/ids.js';
import { IamErrors, type EntityKind } from './iam-errors.js';
import type { IdentityStore } from './store.js';
import * as rows from './iam-rows.js';
import { EMPTY_POLICY, parseIdentityPolicy, parseTrustPolicy } from './iam-policies.js';
import { hashPassword, verifyPassword } from './password.js';
import { Edit } from './staged-edit.js';

export type IamUser = rows.UserRow;
export type AccessKeyInfo = Omit<rows.UserKeyRow, 'secretAccessKey'>;
export type LoginProfileInfo = Omit<rows.LoginProfileRow, 'passwordHash'>;

export interface IamRole extends rows.RoleRow {
  /** The parsed trust policy (its statements carry no resource). */
  trust: PolicyDocument;
}

interface InlinePolicy {
  document: string;
  parsed: PolicyDocument;
}

export const ACCESS_KEYS_PER_USER = 2;
export const DEFAULT_MAX_SESSION_DURATION = 3600;

export const userArn = (u: IamUser) => iamArn(u.accountId, 'user', u.path, u.userName);
export const roleArn = (r: IamRole) => iamArn(r.accountId, 'role', r.path, r.roleName);

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:.*\/)?)([^/]+)$/;

export class IamDirectory {
  /** account → lower-case name → user / role. */
  private readonly users = new Map<string, Map<string, IamUser>>();
  private readonly roles = new Map<string, Map<string, IamRole>>();
  private readonly usersById = new Map<string, IamUser>();
  private readonly rolesById = new Map<string, IamRole>();
  /** owner (user or role id) → policy name → policy. */
  private readonly policies = new Map<string, Map<string, InlinePolicy>>();
  /** user id → access key id → key. */
  private readonly keys = new Map<string, Map<string, rows.UserKeyRow>>();
  /** user id → login profile. */
  private readonly profiles = new Map<string, rows.LoginProfileRow>();
  /** Compared against when a user has no password, so the answer takes as long either way. */
  private noPassword: Promise<string> | undefined;

  private constructor(private readonly identity: IdentityStore) {}

  static load(db: SqliteDatabase, identity: IdentityStore): IamDirectory {
    const dir = new IamDirectory(identity);
    const stored = rows.loadIam(db);
    const edit = new Edit();
    for (const u of stored.users) dir.putUser(edit, u);
    for (const r of stored.roles) dir.putRole(edit, { ...r, trust: orEmpty(() => parseTrustPolicy(r.trustPolicy)) });
    for (const p of stored.policies) {
      edit.put(dir.policies, p.ownerId, p.policyName, { document: p.document, parsed: orEmpty(() => parseIdentityPolicy(p.document)) });
    }
    for (const p of stored.profiles) edit.set(dir.profiles, p.userId, p);
    for (const k of stored.keys) edit.put(dir.keys, k.userId, k.accessKeyId, k);
    return dir;
  }

  // --- queries other modules use (STS, policy evaluation, console) ---

  getUser(accountId: string, userName: string): IamUser | undefined {
    return this.users.get(accountId)?.get(userName.toLowerCase());
  }

  getRole(accountId: string, roleName: string): IamRole | undefined {
    return this.roles.get(accountId)?.get(roleName.toLowerCase());
  }

  /** The role an ARN names, path included (a role ARN with the wrong path names nothing). */
  roleByArn(arn: string): IamRole | undefined {
    const m = ROLE_ARN.exec(arn);
    if (!m) return undefined;
    const role = this.getRole(m[1]!, m[3]!);
    return role && role.path === m[2] && role.roleName === m[3] ? role : undefined;
  }

  /** The parsed inline policies that apply to a principal's own calls (root has none: it needs none). */
  identityPolicies(principal: Principal): PolicyDocument[] {
    const owner =
      principal.type === 'IAMUser' ? principal.userId : principal.type === 'AssumedRole' ? principal.roleId : undefined;
    return owner ? [...(this.policies.get(owner)?.values() ?? [])].map((p) => p.parsed) : [];
  }

  async verifyPassword(accountId: string, userName: string, password: string): Promise<boolean> {
    const user = this.getUser(accountId, userName);
    const profile = user && this.profiles.get(user.userId);
    const ok = await verifyPassword(password, profile?.passwordHash ?? (await (this.noPassword ??= hashPassword(''))));
    return ok && profile !== undefined;
  }

  // --- users ---

  /** Users whose path starts with `pathPrefix`, by name regardless of case. */
  listUsers(accountId: string, pathPrefix = '/'): IamUser[] {
    return sortedValues(this.users.get(accountId)).filter((u) => u.path.startsWith(pathPrefix));
  }

  createUser(user: Omit<IamUser, 'userId'>): { user: IamUser; staged: Staged } {
    if (this.getUser(user.accountId, user.userName)) throw IamErrors.alreadyExists('user', user.userName);
    const created: IamUser = { ...user, userId: awsId('AIDA', 17) };
    const edit = new Edit().sql(...rows.saveUser(created));
    this.putUser(edit, created);
    return { user: created, staged: edit.staged() };
  }

  /** Renames and/or moves a user; its access keys' principal follows at once. */
  updateUser(accountId: string, userName: string, change: { newUserName?: string; newPath?: string }): Staged {
    const user = this.requireUser(accountId, userName);
    const next: IamUser = { ...user, userName: change.newUserName ?? user.userName, path: change.newPath ?? user.path };
    const clash = this.getUser(accountId, next.userName);
    if (clash && clash.userId !== user.userId) throw IamErrors.alreadyExists('user', next.userName);
    const edit = new Edit().sql(...rows.saveUser(next));
    edit.put(this.users, accountId, user.userName.toLowerCase(), undefined);
    this.putUser(edit, next);
    for (const key of this.keys.get(user.userId)?.values() ?? []) {
      const principal = keyPrincipal(next, key.accessKeyId);
      edit.sql(rows.keyPrincipal(principal));
      edit.undo(this.identity.stageCredential(key.accessKeyId, credential(key, principal)));
    }
    return edit.staged();
  }

  /** AWS refuses while the user still has access keys, inline policies or a login profile. */
  deleteUser(accountId: string, userName: string): Staged {
    const user = this.requireUser(accountId, userName);
    if (this.keys.get(user.userId)?.size) throw IamErrors.deleteConflict('access keys');
    if (this.policies.get(user.userId)?.size) throw IamErrors.deleteConflict('policies');
    if (this.profiles.has(user.userId)) throw IamErrors.deleteConflict('login profile');
    const edit = new Edit().sql(rows.deleteUser(user.userId));
    edit.put(this.users, accountId, user.userName.toLowerCase(), undefined);
    edit.set(this.usersById, user.userId, undefined);
    return edit.staged();
  }

  requireUser(accountId: string, userName: string): IamUser {
    const user = this.getUser(accountId, userName);
    if (!user) throw IamErrors.noSuchEntity('user', userName);
    return user;
  }

  userById(userId: string): IamUser | undefined {
    return this.usersById.get(userId);
  }

  // --- access keys ---

  accessKeys(user: IamUser): AccessKeyInfo[] {
    return [...(this.keys.get(user.userId)?.values() ?? [])]
      .sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : 1))
      .map(({ secretAccessKey: _secret, ...info }) => info);
  }

  /** A new active key; its secret is in the result and nowhere else but the credential table. */
  createAccessKey(user: IamUser, now: number): { key: rows.UserKeyRow; staged: Staged } {
    if ((this.keys.get(user.userId)?.size ?? 0) >= ACCESS_KEYS_PER_USER) throw IamErrors.accessKeyQuota();
    const key: rows.UserKeyRow = {
      accessKeyId: awsId('AKIA', 16),
      secretAccessKey: secretAccessKey(),
      userId: user.userId,
      status: 'Active',
      createdAt: now,
    };
    const principal = keyPrincipal(user, key.accessKeyId);
    const edit = new Edit().sql(rows.insertKey(key, principal));
    edit.put(this.keys, user.userId, key.accessKeyId, key);
    edit.undo(this.identity.stageCredential(key.accessKeyId, credential(key, principal)));
    return { key, staged: edit.staged() };
  }

  /** An Inactive key is refused from the next request on; Active again, it works again. */
  updateAccessKey(user: IamUser, accessKeyId: string, status: rows.UserKeyRow['status']): Staged {
    const key = this.requireKey(user, accessKeyId);
    const next = { ...key, status };
    const edit = new Edit().sql(rows.keyStatus(accessKeyId, status));
    edit.put(this.keys, user.userId, accessKeyId, next);
    edit.undo(this.identity.stageCredential(accessKeyId, credential(next, keyPrincipal(user, accessKeyId))));
    return edit.staged();
  }

  deleteAccessKey(user: IamUser, accessKeyId: string): Staged {
    this.requireKey(user, accessKeyId);
    const edit = new Edit().sql(rows.deleteKey(accessKeyId));
    edit.put(this.keys, user.userId, accessKeyId, undefined);
    edit.undo(this.identity.stageCredential(accessKeyId, null));
    return edit.staged();
  }

  private requireKey(user: IamUser, accessKeyId: string): rows.UserKeyRow {
    const key = this.keys.get(user.userId)?.get(accessKeyId);
    if (!key) throw IamErrors.noSuchAccessKey(accessKeyId);
    return key;
  }

  // --- inline policies (of a user or a role: owner is its id) ---

  policyNames(ownerId: string): string[] {
    return [...(this.policies.get(ownerId)?.keys() ?? [])].sort();
  }

  policyDocument(ownerId: string, policyName: string): string | undefined {
    return this.policies.get(ownerId)?.get(policyName)?.document;
  }

  /** Creates or replaces; throws MalformedPolicyDocument for a document IAM would refuse. */
  putPolicy(ownerId: string, policyName: string, document: string): Staged {
    const parsed = parseIdentityPolicy(document);
    const edit = new Edit().sql(rows.savePolicy({ ownerId, policyName, document }));
    edit.put(this.policies, ownerId, policyName, { document, parsed });
    return edit.staged();
  }

  /** Undefined when there is no such policy (the caller words the NoSuchEntity). */
  deletePolicy(ownerId: string, policyName: string): Staged | undefined {
    if (!this.policies.get(ownerId)?.has(policyName)) return undefined;
    const edit = new Edit().sql(rows.deletePolicy(ownerId, policyName));
    edit.put(this.policies, ownerId, policyName, undefined);
    return edit.staged();
  }

  // --- roles ---

  listRoles(accountId: string, pathPrefix = '/'): IamRole[] {
    return sortedValues(this.roles.get(accountId)).filter((r) => r.path.startsWith(pathPrefix));
  }

  requireRole(accountId: string, roleName: string): IamRole {
    const role = this.getRole(accountId, roleName);
    if (!role) throw IamErrors.noSuchEntity('role', roleName);
    return role;
  }

  roleById(roleId: string): IamRole | undefined {
    return this.rolesById.get(roleId);
  }

  /** Throws MalformedPolicyDocument for a trust policy IAM would refuse. */
  createRole(role: Omit<rows.RoleRow, 'roleId'>): { role: IamRole; staged: Staged } {
    const trust = parseTrustPolicy(role.trustPolicy);
    if (this.getRole(role.accountId, role.roleName)) throw IamErrors.alreadyExists('role', role.roleName);
    const created: IamRole = { ...role, roleId: awsId('AROA', 17), trust };
    const edit = new Edit().sql(...rows.saveRole(created));
    this.putRole(edit, created);
    return { role: created, staged: edit.staged() };
  }

  updateTrustPolicy(accountId: string, roleName: string, trustPolicy: string): Staged {
    const role = this.requireRole(accountId, roleName);
    const next: IamRole = { ...role, trustPolicy, trust: parseTrustPolicy(trustPolicy) };
    const edit = new Edit().sql(...rows.saveRole(next));
    this.putRole(edit, next);
    return edit.staged();
  }

  deleteRole(accountId: string, roleName: string): Staged {
    const role = this.requireRole(accountId, roleName);
    if (this.policies.get(role.roleId)?.size) throw IamErrors.deleteConflict('policies');
    const edit = new Edit().sql(rows.deleteRole(role.roleId));
    edit.put(this.roles, accountId, role.roleName.toLowerCase(), undefined);
    edit.set(this.rolesById, role.roleId, undefined);
    return edit.staged();
  }

  // --- login profiles ---

  loginProfile(user: IamUser): LoginProfileInfo | undefined {
    const profile = this.profiles.get(user.userId);
    if (!profile) return undefined;
    const { passwordHash: _hash, ...info } = profile;
    return info;
  }

  /** `passwordHash` comes from password.ts: hashing is slow, so callers hash before they check. */
  createLoginProfile(user: IamUser, passwordHash: string, passwordResetRequired: boolean, now: number): Staged {
    if (this.profiles.has(user.userId)) throw IamErrors.loginProfileExists(user.userName);
    return this.putProfile({ userId: user.userId, passwordHash, passwordResetRequired, createdAt: now });
  }

  updateLoginProfile(user: IamUser, change: { passwordHash?: string; passwordResetRequired?: boolean }): Staged {
    const profile = this.profiles.get(user.userId);
    if (!profile) throw IamErrors.noSuchLoginProfile(user.userName);
    return this.putProfile({
      ...profile,
      passwordHash: change.passwordHash ?? profile.passwordHash,
      passwordResetRequired: change.passwordResetRequired ?? profile.passwordResetRequired,
    });
  }

  deleteLoginProfile(user: IamUser): Staged {
    if (!this.profiles.has(user.userId)) throw IamErrors.noSuchLoginProfile(user.userName);
    const edit = new Edit().sql(rows.deleteLoginProfile(user.userId));
    edit.set(this.profiles, user.userId, undefined);
    return edit.staged();
  }

  // --- account aliases (one per account, unique across accounts) ---

  accountAliases(accountId: string): string[] {
    const alias = this.identity.getAccount(accountId)?.alias;
    return alias ? [alias] : [];
  }

  /** Replaces the account's alias if it has one, as AWS does. */
  createAccountAlias(accountId: string, alias: string): Staged {
    const owner = this.identity.accountWithAlias(alias);
    if (owner !== undefined && owner !== accountId) throw IamErrors.aliasExists(alias);
    return this.stageAlias(accountId, alias);
  }

  deleteAccountAlias(accountId: string, alias: string): Staged {
    if (this.identity.getAccount(accountId)?.alias !== alias) throw IamErrors.noSuchAlias(alias);
    return this.stageAlias(accountId, undefined);
  }

  private stageAlias(accountId: string, alias: string | undefined): Staged {
    const edit = new Edit().sql(rows.setAlias(accountId, alias));
    edit.undo(this.identity.stageAlias(accountId, alias));
    return edit.staged();
  }

  private putUser(edit: Edit, user: IamUser): void {
    edit.put(this.users, user.accountId, user.userName.toLowerCase(), user);
    edit.set(this.usersById, user.userId, user);
  }

  private putRole(edit: Edit, role: IamRole): void {
    edit.put(this.roles, role.accountId, role.roleName.toLowerCase(), role);
    edit.set(this.rolesById, role.roleId, role);
  }

  private putProfile(profile: rows.LoginProfileRow): Staged {
    const edit = new Edit().sql(rows.saveLoginProfile(profile));
    edit.set(this.profiles, profile.userId, profile);
    return edit.staged();
  }
}

function keyPrincipal(user: IamUser, accessKeyId: string): IamUserPrincipal {
  return { type: 'IAMUser', accountId: user.accountId, accessKeyId, userId: user.userId, userName: user.userName, path: user.path };
}

/** What the credential lookup answers for a key: nothing once it is Inactive. */
function credential(key: rows.UserKeyRow, principal: IamUserPrincipal): Credential | null {
  return key.status === 'Active' ? { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, principal } : null;
}

function sortedValues<V>(map: Map<string, V> | undefined): V[] {
  return [...(map?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function orEmpty(parse: () => PolicyDocument): PolicyDocument {
  try {
    return parse();
  } catch {
    return EMPTY_POLICY;
  }
}
