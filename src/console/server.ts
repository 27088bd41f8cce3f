/**
 * The web console's server side, on the API's port under `/console` (the edge hands it every
 * such request): the browser app (assets.ts), sign-in and sessions (signin.ts, sessions.ts),
 * the dashboard figures (stats.ts) and the pages' AWS calls, which run through the same
 * pipeline as signed calls — same operations, same policies, recorded — as the session's
 * credential (aws-call.ts). The contract with the pages is src/console/web/api.ts.
 *
 * Cross-site protection, on every `/console/api/` request: a request whose Origin is not this
 * server's own is refused (sign-in included), and every call but reading the session and
 * signing in must carry the session's CSRF token in `x-csrf-token` — a token other sites cannot
 * read, on top of the SameSite=Strict cookie. Bad input is answered with a JSON 4xx, never a 500.
 */
import type { IncomingMessage } from 'node:http';
import { AwsError } from '../aws/errors.js';
import type { AwsPipeline } from '../aws/pipeline.js';
import { principalArn } from '../aws/principal.js';
import type { ConnectionInfo, HttpResponse, ServiceContext } from '../aws/service.js';
import { BodyTooLarge, readBody, type ConsoleRoute } from '../http/server.js';
import { ConsoleAssets } from './assets.js';
import { consoleRawRequest, splitAwsPath } from './aws-call.js';
import { hostOf, jsonResponse, noContent, originOf, problem, schemeOf, SECURITY_HEADERS } from './responses.js';
import { csrfMatches, isLoopbackHost, setCookie, type ConsoleSessions } from './sessions.js';
import { parseSignInForm, signIn, type SignedIn } from './signin.js';
import { SignInThrottle } from './signin-throttle.js';
import { consoleStats, parseHours } from './stats.js';

/** Sign-in forms are a few hundred bytes. */
const MAX_SIGNIN_BYTES = 16 * 1024;
const API = '/console/api/';

const FAILED_SIGNIN = 'Your authentication information is incorrect. Please try again.';

/** A live session is what signing in gave. */
type Live = SignedIn;

export class ConsoleServer implements ConsoleRoute {
  private readonly sessions: ConsoleSessions;
  private readonly assets: ConsoleAssets;
  private readonly throttle: SignInThrottle;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly pipeline: AwsPipeline,
    sessions: ConsoleSessions,
  ) {
    this.sessions = sessions;
    this.throttle = new SignInThrottle(ctx.clock);
    this.assets = new ConsoleAssets(ctx.logger);
  }

  claims(url: string): boolean {
    const path = pathOf(url);
    return path === '/console' || path.startsWith('/console/');
  }

  async handle(req: IncomingMessage, conn: ConnectionInfo): Promise<HttpResponse> {
    try {
      return await this.route(req, conn);
    } catch (err) {
      // The rest of an oversized body is never read: the connection closes after the answer.
      if (err instanceof BodyTooLarge) return problem(413, 'RequestEntityTooLarge', 'The request body is too large.', { connection: 'close' });
      this.ctx.logger.error({ err, path: pathOf(req.url ?? '').slice(0, 256) }, 'console request failed unexpectedly');
      return problem(500, 'InternalFailure', 'The console request failed; the server log says why.');
    }
  }

  /** Drops the sessions held in memory (their rows stay for the next start) and waits for a build in progress. */
  async close(): Promise<void> {
    this.sessions.clear();
    await this.assets.close();
  }

  private async route(req: IncomingMessage, conn: ConnectionInfo): Promise<HttpResponse> {
    const url = req.url ?? '/';
    const path = pathOf(url);
    const method = (req.method ?? 'GET').toUpperCase();
    if (!path.startsWith(API)) return this.page(path, method);
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== originOf(req, conn)) {
      return problem(403, 'CrossOriginRequest', 'Requests from other sites are refused.');
    }
    switch (path) {
      case '/console/api/signin':
        return method === 'POST' ? this.signIn(req, conn) : notAllowed('POST');
      case '/console/api/session':
        return method === 'GET' ? this.withSession(req, conn, false, (live) => this.sessionInfo(live)) : notAllowed('GET');
      case '/console/api/signout':
        return method === 'POST' ? this.withSession(req, conn, true, (live) => this.signOut(req, conn, live)) : notAllowed('POST');
      case '/console/api/stats':
        return method === 'GET' ? this.withSession(req, conn, true, (live) => this.stats(req, conn, url, live)) : notAllowed('GET');
    }
    const call = splitAwsPath(url);
    if (call && this.pipeline.serves(call.service)) {
      return this.withSession(req, conn, true, async (live) => {
        const body = await readBody(req, this.ctx.config.maxBodyBytes);
        const raw = consoleRawRequest(req, call.target, body);
        return this.pipeline.handleAs(raw, conn, { credential: live.credential, service: call.service, region: this.region(req) });
      });
    }
    return problem(404, 'NotFound', call ? `The console does not serve '${call.service}'.` : 'No such console API.');
  }

  private async page(path: string, method: string): Promise<HttpResponse> {
    const name = path === '/console/' ? 'index.html' : path.startsWith('/console/assets/') ? path.slice('/console/assets/'.length) : undefined;
    if (path !== '/console' && name === undefined) return notFoundPage();
    if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET, HEAD');
    if (path === '/console') return { status: 302, headers: { ...SECURITY_HEADERS, location: '/console/' }, body: '' };
    return (await this.assets.get(name ?? '')) ?? notFoundPage();
  }

  /** Runs `fn` for a live session; otherwise 401 (and a dead session's cookie cleared), or 403 without the CSRF token. */
  private async withSession(
    req: IncomingMessage,
    conn: ConnectionInfo,
    csrf: boolean,
    fn: (live: Live) => Promise<HttpResponse> | HttpResponse,
  ): Promise<HttpResponse> {
    const found = this.sessions.find(req.headers.cookie);
    if (found.state === 'none') return problem(401, 'NotSignedIn', 'Sign in to use the console.');
    const credential = found.state === 'live' ? this.ctx.sessions.lookup(found.session.accessKeyId) : undefined;
    if (found.state !== 'live' || !credential || credential.expiresAt <= this.ctx.clock.now()) {
      if (found.state === 'live') await this.sessions.delete(found.cookie);
      return problem(401, 'SessionExpired', 'Your console session has ended. Sign in again.', { 'set-cookie': this.cookie(req, conn, '', 0) });
    }
    const sent = req.headers['x-csrf-token'];
    if (csrf && !csrfMatches(found.session, typeof sent === 'string' ? sent : undefined)) {
      return problem(403, 'InvalidCsrfToken', 'The request did not carry this session\'s CSRF token; reload the console.');
    }
    return fn({ session: found.session, cookie: found.cookie, credential });
  }

  private async signIn(req: IncomingMessage, conn: ConnectionInfo): Promise<HttpResponse> {
    const wait = this.throttle.retryAfterSeconds(conn.sourceIp);
    if (wait !== undefined) {
      return problem(429, 'TooManyRequests', `Too many failed sign-in attempts from this address; try again in ${wait} seconds.`, {
        'retry-after': String(wait),
      });
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_SIGNIN_BYTES)).toString('utf8'));
    } catch (err) {
      if (err instanceof BodyTooLarge) return problem(400, 'InvalidRequest', 'The sign-in request is too large.', { connection: 'close' });
      if (err instanceof SyntaxError) return problem(400, 'InvalidRequest', 'The sign-in request is not valid JSON.');
      throw err;
    }
    const form = parseSignInForm(body);
    if (!form) {
      return problem(400, 'InvalidRequest', 'Send {account, userName, password} or {accessKeyId, secretAccessKey}.');
    }
    const host = hostOf(req);
    const signedIn = await signIn(this.ctx, this.sessions, form, {
      conn,
      userAgent: req.headers['user-agent'],
      loginTo: `${originOf(req, conn)}/console/`,
      host,
    });
    if (!signedIn) {
      this.throttle.failed(conn.sourceIp);
      return problem(401, 'AuthenticationFailed', FAILED_SIGNIN);
    }
    this.throttle.succeeded(conn.sourceIp);
    const previous = this.sessions.find(req.headers.cookie);
    if (previous.state === 'live') await this.sessions.delete(previous.cookie);
    return jsonResponse(200, this.info(signedIn), {
      'set-cookie': this.cookie(req, conn, signedIn.cookie, this.ctx.config.consoleSessionSeconds),
    });
  }

  private sessionInfo(live: Live): HttpResponse {
    return jsonResponse(200, this.info(live));
  }

  /** The SessionInfo of web/api.ts. */
  private info(live: Live): Record<string, unknown> {
    const p = live.credential.principal;
    return {
      csrfToken: live.session.csrfToken,
      identity: {
        type: p.type,
        arn: principalArn(p),
        accountId: p.accountId,
        ...(p.type === 'IAMUser' ? { userName: p.userName } : {}),
        accessKeyId: p.accessKeyId,
      },
      expiresAt: live.session.expiresAt,
      region: this.ctx.config.regions[0],
      regions: this.ctx.config.regions,
    };
  }

  private async signOut(req: IncomingMessage, conn: ConnectionInfo, live: Live): Promise<HttpResponse> {
    await this.sessions.delete(live.cookie);
    return noContent({ 'set-cookie': this.cookie(req, conn, '', 0) });
  }

  private async stats(req: IncomingMessage, conn: ConnectionInfo, url: string, live: Live): Promise<HttpResponse> {
    const q = url.indexOf('?');
    const hours = parseHours(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)).get('hours'));
    if (hours === undefined) return problem(400, 'InvalidRequest', 'hours must be a whole number from 1 to 168.');
    const principal = live.credential.principal;
    const region = this.region(req);
    try {
      await this.pipeline.authorize(principal, conn, region, { action: 'cloudtrail:LookupEvents', resource: '*' });
    } catch (err) {
      if (err instanceof AwsError && err.status === 403) return problem(403, 'AccessDenied', err.message);
      throw err;
    }
    return jsonResponse(200, await consoleStats(this.ctx, { accountId: principal.accountId, region, hours }));
  }

  /** The region a page asked for (x-opentrail-region) if this server serves it, else the first. */
  private region(req: IncomingMessage): string {
    const asked = req.headers['x-opentrail-region'];
    const regions = this.ctx.config.regions;
    return typeof asked === 'string' && regions.includes(asked) ? asked : regions[0]!;
  }

  private cookie(req: IncomingMessage, conn: ConnectionInfo, value: string, maxAgeSeconds: number): string {
    return setCookie(value, maxAgeSeconds, schemeOf(conn) === 'https' || isLoopbackHost(hostOf(req)));
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function notAllowed(allow: string): HttpResponse {
  return problem(405, 'MethodNotAllowed', `Use ${allow}.`, { allow });
}

function notFoundPage(): HttpResponse {
  return { status: 404, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found' };
}
