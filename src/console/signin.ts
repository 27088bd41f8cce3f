/**
 * Console sign-in: checks an IAM user's password (login profile) or a long-term access key pair
 * (root's bootstrap pair too), issues the STS session credential the console then acts with, and
 * records the attempt as AWS does (reference §3.5 AwsConsoleSignIn): `ConsoleLogin` from
 * signin.amazonaws.com in us-east-1, Success or Failure, the browser's user agent, no requestID.
 * The STS session's row and the console session's row commit in the same append as their
 * ConsoleLogin event (DESIGN invariant 1).
 *
 * A failure is recorded in the account it names. When there is no such account (an unknown
 * account id or alias, an unknown access key id) nothing is recorded: no account's history
 * could hold it. Neither the answer nor the record ever says which part was wrong, and neither
 * holds the password or the secret.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IamUserPrincipal, Principal } from '../aws/principal.js';
import type { ConnectionInfo, ServiceContext } from '../aws/service.js';
import { uuid } from '../lib/ids.js';
import { buildEvent } from '../recorder/recorder.js';
import { isTemporaryKeyId, type SessionCredential } from '../identity/sessions.js';
import type { Staged } from '../trails/registry.js';
import type { ConsoleSession, ConsoleSessions } from './sessions.js';

/** Sign-in events are global: recorded in us-east-1 (reference §3.5). */
const SIGNIN_REGION = 'us-east-1';
/** AWS's userName for a failed sign-in by a user that does not exist. */
export const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';
/** Longest field accepted; real ones are far shorter (the body is capped at 16 KiB anyway). */
const MAX_FIELD = 4096;

export type SignInForm =
  | { kind: 'password'; account: string; userName: string; password: string }
  | { kind: 'key'; accessKeyId: string; secretAccessKey: string };

/** What the sign-in request itself tells the record. */
export interface SignInRequest {
  conn: ConnectionInfo;
  userAgent: string | undefined;
  /** The console's own address, `<scheme>://<host>/console/` (additionalEventData.LoginTo). */
  loginTo: string;
  host: string;
}

/** The form from a parsed JSON body, or undefined when it is neither shape. */
export function parseSignInForm(body: unknown): SignInForm | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as Record<string, unknown>;
  const field = (name: string): string | undefined => {
    const v = o[name];
    return typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD ? v : undefined;
  };
  const [account, userName, password] = [field('account'), field('userName'), field('password')];
  if (account !== undefined && userName !== undefined && password !== undefined) return { kind: 'password', account, userName, password };
  const [accessKeyId, secretAccessKey] = [field('accessKeyId'), field('secretAccessKey')];
  if (accessKeyId !== undefined && secretAccessKey !== undefined) return { kind: 'key', accessKeyId, secretAccessKey };
  return undefined;
}

/** A successful sign-in: the STS credential and the console session (cookie) that holds it. */
export interface SignedIn {
  credential: SessionCredential;
  cookie: string;
  session: ConsoleSession;
}

/** Who a sign-in claims to be, and whether the proof held. */
interface Attempt {
  principal: Principal;
  ok: boolean;
  /** The named user does not exist: recorded as HIDDEN_DUE_TO_SECURITY_REASONS. */
  hidden?: boolean;
}

/**
 * The new console session, or undefined when sign-in failed. Resolves only after the attempt's
 * record (and on success both sessions) is committed.
 */
export async function signIn(
  ctx: ServiceContext,
  sessions: ConsoleSessions,
  form: SignInForm,
  req: SignInRequest,
): Promise<SignedIn | undefined> {
  const attempt = form.kind === 'password' ? await passwordAttempt(ctx, form) : keyAttempt(ctx, form);
  if (!attempt) return undefined;
  const now = ctx.clock.now();
  let signedIn: SignedIn | undefined;
  const staged: Staged[] = [];
  if (attempt.ok) {
    const base = attempt.principal;
    const issued = ctx.sessions.issue({
      principal: (accessKeyId) => ({ ...base, accessKeyId, session: { createdAt: now, mfaAuthenticated: false, fromConsole: true } }),
      now,
      durationSeconds: ctx.config.consoleSessionSeconds,
    });
    const opened = sessions.create(issued.credential.accessKeyId, issued.credential.expiresAt);
    staged.push(issued.staged, opened.staged);
    signedIn = { credential: issued.credential, cookie: opened.cookie, session: opened.session };
  }
  try {
    await ctx.eventLog.append([consoleLoginEvent(attempt, now, req)], staged.flatMap((s) => s.changes));
  } catch (err) {
    for (const s of staged) s.rollback();
    throw err;
  }
  return signedIn;
}

async function passwordAttempt(ctx: ServiceContext, form: Extract<SignInForm, { kind: 'password' }>): Promise<Attempt | undefined> {
  const accountId = /^\d{12}$/.test(form.account)
    ? ctx.identity.getAccount(form.account)?.accountId
    : ctx.identity.accountWithAlias(form.account.toLowerCase());
  // Still hash: an unknown account answers in the time a wrong password takes.
  const ok = await ctx.iam.verifyPassword(accountId ?? '', form.userName, form.password);
  if (accountId === undefined) return undefined;
  const user = ctx.iam.getUser(accountId, form.userName);
  const principal: IamUserPrincipal = user
    ? { type: 'IAMUser', accountId, accessKeyId: '', userId: user.userId, userName: user.userName, path: user.path }
    : { type: 'IAMUser', accountId, accessKeyId: '', userId: '', userName: HIDDEN_USER, path: '/' };
  return { principal, ok: ok && user !== undefined, hidden: user === undefined };
}

function keyAttempt(ctx: ServiceContext, form: Extract<SignInForm, { kind: 'key' }>): Attempt | undefined {
  // Only long-term keys: a session's key cannot start another session. Inactive keys look up as nothing.
  const credential = isTemporaryKeyId(form.accessKeyId) ? undefined : ctx.identity.lookup(form.accessKeyId);
  if (!credential || credential.principal.type === 'AssumedRole') return undefined;
  const sent = Buffer.from(form.secretAccessKey);
  const expected = Buffer.from(credential.secretAccessKey);
  const ok = sent.length === expected.length && timingSafeEqual(sent, expected);
  return { principal: { ...credential.principal, accessKeyId: '' }, ok };
}

function consoleLoginEvent(attempt: Attempt, now: number, req: SignInRequest) {
  const event = buildEvent({
    principal: attempt.principal,
    region: SIGNIN_REGION,
    eventTimeMs: now,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventType: 'AwsConsoleSignIn',
    sourceIPAddress: req.conn.sourceIp,
    ...(req.userAgent !== undefined ? { userAgent: req.userAgent } : {}),
    requestParameters: null,
    responseElements: { ConsoleLogin: attempt.ok ? 'Success' : 'Failure' },
    additionalEventData: { LoginTo: req.loginTo, MobileVersion: 'No', MFAUsed: 'No' },
    ...(attempt.ok ? {} : { error: { message: 'Failed authentication' } }),
    eventId: uuid(),
    readOnly: false,
    resources: [],
    lookupResources: [],
    managementEvent: true,
    ...(req.conn.tls ? { tlsDetails: { ...req.conn.tls, clientProvidedHostHeader: req.host.slice(0, 256) } } : {}),
  });
  if (attempt.hidden) {
    // AWS names no principal for a user that does not exist: no id, no ARN.
    event.record.userIdentity = { type: 'IAMUser', accountId: attempt.principal.accountId, accessKeyId: '', userName: HIDDEN_USER };
  }
  return event;
}
