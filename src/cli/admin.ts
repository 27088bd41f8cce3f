/**
 * Operator commands for whoever holds the data dir, for when nobody can call IAM: `account
 * create`, `account list` and `root-key reset`. They open the SQLite database directly, so they
 * work while no server runs.
 *
 * A running server caches credentials in memory, so a key removed behind its back would keep
 * working until it restarts. `root-key reset` therefore takes SQLite's exclusive lock first: it
 * refuses while any other process (a server) has the database open, and a server started
 * meanwhile waits for it. `account create` and `account list` only add or read rows a server
 * has no stale copy of, so they run beside a server.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config, type ConfigInput } from '../config.js';
import { openDatabase, type SqliteDatabase } from '../store/sqlite/database.js';
import { IdentityStore } from '../identity/store.js';
import { ROOT_CREDENTIALS_FILE, usageLines, type RootCredentials } from '../identity/bootstrap.js';
import { awsId, secretAccessKey } from '../lib/ids.js';
import { systemClock } from '../lib/clock.js';
import { shapes as iamShapes } from '../services/iam/generated/model.js';

/** Exit codes: 0 done, 1 refused or failed, 2 usage error. */
const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

/** Options every admin command shares with `opentrail serve` (each also read from OPENTRAIL_*). */
export interface AdminFlags {
  dataDir?: string;
  host?: string;
  port?: string;
}

export interface AccountCreateFlags extends AdminFlags {
  accountId?: string;
  alias?: string;
}

export interface AccountListFlags extends AdminFlags {
  output: 'text' | 'json';
}

export interface RootKeyResetFlags extends AdminFlags {
  accountId: string;
}

export interface AdminIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A mistake in the command line: reported as is, exit code 2. */
class UsageError extends Error {}
/** The command cannot run now (e.g. a server holds the database): exit code 1. */
class RefusedError extends Error {}

const ACCOUNT_ID = /^\d{12}$/;
const ALIAS_SHAPE = iamShapes.accountAliasType as { min: number; max: number; pattern: string };
const ALIAS = new RegExp(ALIAS_SHAPE.pattern);

interface Session {
  config: Config;
  dataDir: string;
  db: SqliteDatabase;
  identity: IdentityStore;
}

/** Runs `body` against the data dir's database, mapping failures to exit codes and messages. */
async function withDatabase(
  flags: AdminFlags,
  io: AdminIo,
  opts: { exclusive: boolean },
  body: (s: Session) => void,
): Promise<number> {
  let db: SqliteDatabase | undefined;
  try {
    const input: ConfigInput = {};
    if (flags.dataDir !== undefined) input.dataDir = flags.dataDir;
    if (flags.host !== undefined) input.host = flags.host;
    if (flags.port !== undefined) input.port = flags.port;
    const config = loadConfig(input, io.env);
    const dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Short: another admin command lets go within milliseconds, while a server never does.
    db = openDatabase(join(dataDir, 'opentrail.db'), { busyTimeoutMs: 2000 });
    if (opts.exclusive) lockExclusively(db, dataDir);
    body({ config, dataDir, db, identity: new IdentityStore(db) });
    return EXIT_OK;
  } catch (err) {
    const usage = err instanceof UsageError || err instanceof ConfigError;
    io.stderr.write(`opentrail: ${err instanceof Error ? err.message : String(err)}\n`);
    return usage ? EXIT_USAGE : EXIT_REFUSED;
  } finally {
    db?.close();
  }
}

/**
 * Holds SQLite's exclusive lock until the connection closes. In WAL mode every open connection
 * keeps a shared lock, so this fails exactly when another process has the database open.
 */
function lockExclusively(db: SqliteDatabase, dataDir: string): void {
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new RefusedError(
      `another process has ${join(dataDir, 'opentrail.db')} open (is \`opentrail serve\` running on this data dir?); ` +
        'stop the server first: it caches credentials, so a reset key would keep working until it restarts',
    );
  }
}

/**
 * Stages the default account's pair the way first start writes it (0600); `commit` puts it in
 * place in one rename once the database agrees, `abandon` drops it.
 */
function stageRootCredentialsFile(file: string, credentials: RootCredentials): { commit(): void; abandon(): void } {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  return { commit: () => renameSync(tmp, file), abandon: () => rmSync(tmp, { force: true }) };
}

/** Account id written in root-credentials.json, if the file is there and readable. */
function credentialsFileAccount(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as Partial<RootCredentials>).accountId;
  } catch {
    return undefined;
  }
}

/**
 * Gives `accountId` a fresh root pair in one transaction (`before` runs first inside it). For
 * the default account, and whichever account root-credentials.json names, the file is replaced
 * too: first start reads it back and re-activates the pair it holds, so a stale file would
 * resurrect a removed key.
 */
function issueRootKey(s: Session, accountId: string, before: () => void): { credentials: RootCredentials; file?: string } {
  const credentials: RootCredentials = { accountId, accessKeyId: awsId('AKIA', 16), secretAccessKey: secretAccessKey() };
  const path = join(s.dataDir, ROOT_CREDENTIALS_FILE);
  const ownsFile = accountId === s.config.accountId || (existsSync(path) && credentialsFileAccount(path) === accountId);
  const staged = ownsFile ? stageRootCredentialsFile(path, credentials) : undefined;
  try {
    s.db.transaction(() => {
      before();
      s.identity.putAccessKey({ type: 'Root', accountId, accessKeyId: credentials.accessKeyId }, credentials.secretAccessKey, systemClock.now());
    }).immediate();
  } catch (err) {
    staged?.abandon();
    throw err;
  }
  staged?.commit();
  return { credentials, ...(ownsFile ? { file: path } : {}) };
}

function endpointOf(config: Config): string {
  return `${config.tlsCert ? 'https' : 'http'}://${config.host}:${config.port}`;
}

function printCredentials(s: Session, out: NodeJS.WritableStream, issued: { credentials: RootCredentials; file?: string }): void {
  const where = issued.file
    ? `also in ${issued.file}, as this is the default account`
    : 'not stored anywhere else: keep them now';
  out.write(`Root credentials of account ${issued.credentials.accountId} (shown once; ${where}):\n`);
  for (const line of usageLines(issued.credentials, endpointOf(s.config), s.config.regions[0]!)) out.write(`  ${line}\n`);
}

function newAccountId(identity: IdentityStore): string {
  for (;;) {
    const id = String(randomInt(0, 1e12)).padStart(12, '0');
    if (!identity.getAccount(id)) return id;
  }
}

function checkAlias(db: SqliteDatabase, alias: string): void {
  if (alias.length < ALIAS_SHAPE.min || alias.length > ALIAS_SHAPE.max || !ALIAS.test(alias)) {
    throw new UsageError(
      `invalid --alias '${alias}': ${ALIAS_SHAPE.min}-${ALIAS_SHAPE.max} lowercase letters, digits and single hyphens, not starting or ending with a hyphen`,
    );
  }
  const owner = db.prepare('SELECT account_id FROM accounts WHERE alias = ?').get(alias) as { account_id: string } | undefined;
  if (owner) throw new UsageError(`alias '${alias}' is already used by account ${owner.account_id}`);
}

export function accountCreateCommand(flags: AccountCreateFlags, io: AdminIo): Promise<number> {
  return withDatabase(flags, io, { exclusive: false }, (s) => {
    if (flags.accountId !== undefined && !ACCOUNT_ID.test(flags.accountId)) {
      throw new UsageError(`invalid --account-id '${flags.accountId}': must be 12 digits`);
    }
    if (flags.alias !== undefined) checkAlias(s.db, flags.alias);
    const accountId = flags.accountId ?? newAccountId(s.identity);
    const issued = issueRootKey(s, accountId, () => {
      // Checked inside the write transaction so two concurrent creates cannot both succeed.
      if (s.identity.getAccount(accountId)) throw new UsageError(`account ${accountId} already exists`);
      s.identity.ensureAccount(accountId, systemClock.now());
      if (flags.alias !== undefined) {
        checkAlias(s.db, flags.alias);
        s.db.prepare('UPDATE accounts SET alias = ? WHERE account_id = ?').run(flags.alias, accountId);
      }
    });
    io.stdout.write(`Created account ${accountId}${flags.alias ? ` (alias ${flags.alias})` : ''}.\n`);
    printCredentials(s, io.stdout, issued);
  });
}

interface AccountRow {
  account_id: string;
  alias: string | null;
  created_at: number;
  root_keys: number;
  iam_users: number;
}

export function accountListCommand(flags: AccountListFlags, io: AdminIo): Promise<number> {
  return withDatabase(flags, io, { exclusive: false }, (s) => {
    const rows = s.db
      .prepare(
        `SELECT a.account_id, a.alias, a.created_at,
           (SELECT count(*) FROM access_keys k WHERE k.account_id = a.account_id AND k.principal_type = 'Root' AND k.status = 'Active') AS root_keys,
           (SELECT count(*) FROM iam_users u WHERE u.account_id = a.account_id) AS iam_users
         FROM accounts a ORDER BY a.created_at, a.account_id`,
      )
      .all() as AccountRow[];
    const accounts = rows.map((r) => ({
      accountId: r.account_id,
      alias: r.alias,
      createdAt: new Date(r.created_at).toISOString(),
      activeRootKeys: r.root_keys,
      iamUsers: r.iam_users,
    }));
    if (flags.output === 'json') {
      io.stdout.write(JSON.stringify({ accounts }, null, 2) + '\n');
      return;
    }
    const table = [
      ['ACCOUNT', 'ALIAS', 'CREATED', 'ROOT KEYS', 'IAM USERS'],
      ...accounts.map((a) => [a.accountId, a.alias ?? '-', a.createdAt, String(a.activeRootKeys), String(a.iamUsers)]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) io.stdout.write(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
  });
}

export function rootKeyResetCommand(flags: RootKeyResetFlags, io: AdminIo): Promise<number> {
  return withDatabase(flags, io, { exclusive: true }, (s) => {
    const accountId = flags.accountId;
    if (!ACCOUNT_ID.test(accountId)) throw new UsageError(`invalid --account-id '${accountId}': must be 12 digits`);
    if (!s.identity.getAccount(accountId)) throw new UsageError(`no account ${accountId} in ${s.dataDir}`);
    let removed = 0;
    const issued = issueRootKey(s, accountId, () => {
      // Deleted, not deactivated: a compromised secret should not stay on disk.
      removed = s.db.prepare("DELETE FROM access_keys WHERE account_id = ? AND principal_type = 'Root'").run(accountId).changes;
      // Temporary credentials the root user obtained (GetSessionToken) end with its keys.
      s.db.prepare("DELETE FROM sts_sessions WHERE account_id = ? AND json_extract(principal_json, '$.type') = 'Root'").run(accountId);
    });
    io.stdout.write(`Removed ${removed} root access key${removed === 1 ? '' : 's'} of account ${accountId}.\n`);
    printCredentials(s, io.stdout, issued);
    if (accountId === s.config.accountId && s.config.rootAccessKeyId) {
      io.stderr.write(
        'note: OPENTRAIL_ROOT_ACCESS_KEY_ID is set; a server started with it re-activates that pair for this account on every start\n',
      );
    }
  });
}
