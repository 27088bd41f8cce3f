/**
 * Operation naming for the recording gateway: which operation of service X a proxied request
 * invokes, for every AWS wire protocol, decided by the official models (the tables in
 * generated/, made by scripts/gen-gateway.ts): awsJson by `X-Amz-Target`, awsQuery and ec2 by
 * `Action` (query string or form body), restJson and restXml by method + URI template + the
 * query keys and headers the template requires, most specific template first. Also says whether
 * the operation is read-only and whether CloudTrail files it as a data event (reference §11).
 * Tables load lazily, once per service: EC2's alone is a megabyte.
 */
import { readFileSync } from 'node:fs';
import type { OperationModel, ServiceMetadata, ServiceModel } from '../aws/model-types.js';
import { isReadOnlyByName } from '../recorder/classify.js';
import { virtualHostBucket } from '../services/s3/router.js';
import type { IdentifiedOperation, WireProtocol } from './types.js';

export interface GatewayModel extends ServiceModel {
  metadata: ServiceMetadata & {
    /** Moved from awsQuery to awsJson (SQS): the query form (`Action=`) is still accepted. */
    awsQueryCompatible?: boolean;
  };
  operations: Readonly<Record<string, OperationModel & { deprecated?: boolean }>>;
}

export const GATEWAY_SERVICES: readonly string[] = [
  'dynamodb', 'ec2', 'iam', 'kms', 'lambda', 's3', 'secretsmanager', 'sns', 'sqs', 'sts',
];

type Request = Parameters<typeof identifyOperation>[1];

// From src/gateway/ and from dist/gateway/ alike: the JSON tables are not copied by tsc.
const TABLES = new URL('../../src/gateway/generated/', import.meta.url);

/** Names of unknown operations come from the client: bounded before they become an eventName. */
const MAX_UNKNOWN_NAME = 128;

/** Data events (reference §11.2) beyond S3's object-level rule (a `{Key+}` in the URI). */
const DATA_EVENTS: Readonly<Record<string, ReadonlySet<string>>> = {
  s3: new Set([
    'DeleteObjects', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads',
    'WriteGetObjectResponse',
  ]),
  lambda: new Set(['Invoke', 'InvokeAsync', 'InvokeWithResponseStream']),
  dynamodb: new Set([
    'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query',
    'Scan', 'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement',
    'ExecuteTransaction',
  ]),
};

/** Where the service, not the verb, decides readOnly (reference §11.3). */
const READ_ONLY_OVERRIDES: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  // KMS records its cryptographic operations as reads.
  kms: Object.fromEntries(
    [
      'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
      'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom', 'GenerateMac',
      'VerifyMac', 'Sign', 'Verify', 'DeriveSharedSecret',
    ].map((n) => [n, true]),
  ),
  // They create credentials; as OpenTrail's own STS records them (src/services/sts).
  sts: { GetSessionToken: false, GetFederationToken: false },
};

type Segment = { literal: string } | { label: string; member: string; greedy: boolean };

interface Template {
  name: string;
  method: string;
  segments: Segment[];
  /** Literal query discriminators of the requestUri (`?acl`, `?list-type=2`): value or any. */
  query: [key: string, value: string | undefined][];
  /** Wire names of required querystring members, and (lower-case) of required header members. */
  requiredQuery: string[];
  requiredHeaders: string[];
  literals: number;
  greedy: boolean;
  deprecated: boolean;
  /** The host's first label is the operation's (S3 WriteGetObjectResponse's route), not a bucket. */
  hostPrefix: boolean;
}

interface Loaded {
  model: GatewayModel;
  templates?: Template[];
}

const cache = new Map<string, Loaded | null>();

function load(service: string): Loaded | undefined {
  let entry = cache.get(service);
  if (entry === undefined) {
    entry = GATEWAY_SERVICES.includes(service)
      ? // Generated from botocore and checked by the drift test; not re-validated here.
        { model: JSON.parse(readFileSync(new URL(`${service}.json`, TABLES), 'utf8')) as GatewayModel }
      : null;
    cache.set(service, entry);
  }
  return entry ?? undefined;
}

export function serviceModel(service: string): GatewayModel | undefined {
  return load(service)?.model;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function formAction(req: Request): string | undefined {
  const type = header(req, 'content-type') ?? '';
  if (!req.body || !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(req.body.toString('utf8')).get('Action') ?? undefined;
}

function bounded(name: string): string {
  return name.length > MAX_UNKNOWN_NAME ? name.slice(0, MAX_UNKNOWN_NAME) : name;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function compile(model: GatewayModel): Template[] {
  return Object.entries(model.operations).map(([name, op]) => {
    const input = op.input ? model.shapes[op.input] : undefined;
    const members = input?.type === 'structure' ? input : undefined;
    const wire = (m: string): string => members?.members[m]?.locationName ?? m;
    const uriMembers = new Map<string, string>();
    for (const [m, ref] of Object.entries(members?.members ?? {})) {
      if (ref.location === 'uri') uriMembers.set(ref.locationName ?? m, m);
    }
    const [path = '', query = ''] = op.http.requestUri.split('?');
    const parsed = splitPath(path).map((s): Segment => {
      const label = /^\{([^}]+?)(\+?)\}$/.exec(s);
      if (!label) return { literal: s };
      const key = label[1] ?? '';
      return { label: key, member: uriMembers.get(key) ?? key, greedy: label[2] === '+' };
    });
    const required = (where: string): string[] =>
      (members?.required ?? []).filter((m) => members?.members[m]?.location === where).map(wire);
    return {
      name,
      method: op.http.method.toUpperCase(),
      segments: parsed,
      query: query === '' ? [] : query.split('&').map((kv) => {
        const eq = kv.indexOf('=');
        return eq < 0 ? [kv, undefined] : [kv.slice(0, eq), kv.slice(eq + 1)];
      }),
      requiredQuery: required('querystring'),
      requiredHeaders: required('header').map((h) => h.toLowerCase()),
      literals: parsed.filter((s) => 'literal' in s).length,
      greedy: parsed.some((s) => 'greedy' in s && s.greedy),
      deprecated: op.deprecated === true,
      hostPrefix: op.endpoint?.hostPrefix !== undefined,
    };
  });
}

/** Path segments, still encoded; `/` is none, and a trailing slash is an empty last segment. */
function splitPath(path: string): string[] {
  const p = path.startsWith('/') ? path.slice(1) : path;
  return p === '' ? [] : p.split('/');
}

/** Labels bound by `t` on `segs`, or undefined when the path does not fit the template. */
function bind(t: Template, segs: readonly string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  for (const [n, seg] of t.segments.entries()) {
    if ('literal' in seg) {
      if (segs[i] !== seg.literal) return undefined;
      i += 1;
    } else if (seg.greedy) {
      // Takes everything the segments after it leave over; a key may hold slashes.
      const end = segs.length - (t.segments.length - n - 1);
      const value = segs.slice(i, end).map(decode).join('/');
      if (end <= i || value === '') return undefined;
      out[seg.member] = value;
      i = end;
    } else {
      const raw = segs[i];
      if (raw === undefined || raw === '') return undefined;
      out[seg.member] = decode(raw);
      i += 1;
    }
  }
  return i === segs.length ? out : undefined;
}

interface Candidate {
  t: Template;
  params: Record<string, string>;
  missing: number;
  present: number;
  xId: boolean;
}

/**
 * Higher is better: a template whose required query keys and headers are all there, then more
 * literal path segments, literal query discriminators and required members, no greedy label; the
 * JS SDK's `x-id=<Operation>`, a current operation over a deprecated twin and the name only break
 * ties (S3's ListBuckets and ListDirectoryBuckets share `GET /`; the latter is S3 Express's).
 */
function compare(a: Candidate, b: Candidate): number {
  return (
    b.missing - a.missing ||
    a.t.literals - b.t.literals ||
    a.t.query.length - b.t.query.length ||
    a.present - b.present ||
    Number(b.t.greedy) - Number(a.t.greedy) ||
    Number(a.xId) - Number(b.xId) ||
    Number(b.t.deprecated) - Number(a.t.deprecated) ||
    (a.t.name < b.t.name ? 1 : a.t.name > b.t.name ? -1 : 0)
  );
}

function matchRest(loaded: Loaded, req: Request, paths: RestPaths): Candidate | undefined {
  loaded.templates ??= compile(loaded.model);
  const method = req.method.toUpperCase();
  const xId = req.query.get('x-id');
  let best: Candidate | undefined;
  for (const t of loaded.templates) {
    if (t.method !== method) continue;
    if (!t.query.every(([k, v]) => (v === undefined ? req.query.has(k) : req.query.get(k) === v))) continue;
    const segs = t.hostPrefix ? paths.raw : paths.bucketed;
    // A trailing slash is tolerated, unless a greedy label can take it (S3 key `folder/`).
    const params = bind(t, segs) ?? (segs.at(-1) === '' ? bind(t, segs.slice(0, -1)) : undefined);
    if (!params) continue;
    const have =
      t.requiredQuery.filter((k) => req.query.has(k)).length +
      t.requiredHeaders.filter((h) => header(req, h) !== undefined).length;
    const c: Candidate = {
      t,
      params,
      missing: t.requiredQuery.length + t.requiredHeaders.length - have,
      present: have,
      xId: xId === t.name,
    };
    if (!best || compare(c, best) > 0) best = c;
  }
  return best;
}

/** Path segments as sent, and as the model's templates see them (S3's virtual-hosted bucket moved into the path). */
interface RestPaths {
  raw: string[];
  bucketed: string[];
}

function restPaths(service: string, req: Request): RestPaths {
  const raw = splitPath(req.path.split('?')[0] ?? '');
  const bucket = service === 's3' ? virtualHostBucket(header(req, 'host') ?? '') : undefined;
  return { raw, bucketed: bucket === undefined ? raw : [bucket, ...raw] };
}

function isDataEvent(service: string, name: string, op: OperationModel): boolean {
  if (service === 's3' && op.http.requestUri.includes('{Key+}')) return true;
  return DATA_EVENTS[service]?.has(name) ?? false;
}

const PROTOCOLS: ReadonlySet<string> = new Set<WireProtocol>(['json', 'rest-json', 'rest-xml', 'query', 'ec2']);

function wireProtocols(model: GatewayModel | undefined): WireProtocol[] {
  if (!model) return [];
  const all = [...(model.metadata.protocols ?? [model.metadata.protocol])];
  if (model.metadata.awsQueryCompatible) all.push('query');
  return all.filter((p): p is WireProtocol => PROTOCOLS.has(p));
}

/**
 * The operation `req` invokes on `service` (its SigV4 signing name). Unknown operations are named
 * by what the client sent: the operation part of an `X-Amz-Target` under the service's prefix (else
 * the whole target), the `Action`, or for REST `<METHOD> /<first path segment>` (e.g. `PATCH /bucket`).
 */
export function identifyOperation(
  service: string,
  req: {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: Record<string, string | string[] | undefined>;
    body?: Buffer;
  },
): IdentifiedOperation {
  const loaded = load(service);
  const model = loaded?.model;
  const protocols = wireProtocols(model);
  const make = (protocol: WireProtocol, name: string, known: boolean, uriParams = {}): IdentifiedOperation => {
    const op = known ? model?.operations[name] : undefined;
    const override = op ? READ_ONLY_OVERRIDES[service]?.[name] : undefined;
    return {
      service,
      eventSource: `${model?.metadata.endpointPrefix ?? service}.amazonaws.com`,
      protocol,
      name: op ? name : bounded(name),
      known: op !== undefined,
      readOnly: override ?? (op?.readonly === true || isReadOnlyByName(name)),
      managementEvent: !(op && isDataEvent(service, name, op)),
      uriParams,
    };
  };
  const has = (name: string): boolean => model !== undefined && Object.hasOwn(model.operations, name);

  const target = header(req, 'x-amz-target');
  if (target !== undefined && (protocols.includes('json') || !model)) {
    const prefix = `${model?.metadata.targetPrefix ?? ''}.`;
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : target;
    return make('json', name, has(name) && target.startsWith(prefix));
  }
  const action = req.query.get('Action') ?? formAction(req);
  const query: WireProtocol = protocols.includes('ec2') ? 'ec2' : 'query';
  if (action !== undefined && (protocols.includes(query) || !model)) {
    return make(query, action, has(action));
  }
  const rest = protocols.find((p) => p === 'rest-json' || p === 'rest-xml');
  const paths = restPaths(service, req);
  if (loaded && rest) {
    const hit = matchRest(loaded, req, paths);
    if (hit) return make(rest, hit.t.name, true, hit.params);
  }
  const restName = `${req.method.toUpperCase()} /${paths.bucketed[0] ?? ''}`;
  if (target !== undefined) return make(protocols[0] ?? 'json', target, false);
  if (action !== undefined) return make(protocols[0] ?? query, action, false);
  return make(rest ?? protocols[0] ?? 'rest-json', restName, false);
}
