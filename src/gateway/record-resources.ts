/**
 * The `resources` of a proxied call's record and the resources LookupEvents finds it by, named
 * as AWS's records name them (reference §11.2 and the services' documented samples): DynamoDB
 * tables, Lambda functions, SQS queues, SNS topics, KMS keys (whose records carry no `type`),
 * Secrets Manager secrets given by ARN, and the IAM users and roles, EC2 instances and STS roles
 * that management calls name. Read from the typed input (and output, for what a call creates).
 */
import { isPlainObject } from '../aws/shapes-common.js';
import type { RecordResource } from '../recorder/record.js';
import type { LookupResource } from '../store/event-log.js';

export interface ResourceFacts {
  service: string;
  input: Record<string, unknown>;
  output: Record<string, unknown> | undefined;
  /** Defaults when an identifier is a bare name rather than an ARN. */
  region: string | undefined;
  accountId: string | undefined;
}

export interface Described {
  resources: RecordResource[];
  lookup: LookupResource[];
}

const NONE: Described = { resources: [], lookup: [] };

export function describeResources(f: ResourceFacts): Described {
  const describe = SERVICES[f.service];
  return describe ? describe(f) : NONE;
}

type Describer = (f: ResourceFacts) => Described;

const SERVICES: Record<string, Describer> = {
  dynamodb: (f) => {
    const names = [str(f.input.TableName), ...Object.keys(record(f.input.RequestItems) ?? {})];
    return many(f, 'AWS::DynamoDB::Table', names, (name) => `table/${name}`, 'dynamodb');
  },
  lambda: (f) => many(f, 'AWS::Lambda::Function', [functionName(f, str(f.input.FunctionName))], (name) => `function:${name}`, 'lambda'),
  sqs: (f) => {
    const url = str(f.input.QueueUrl) ?? str(f.output?.QueueUrl);
    const queue = url ? queueFromUrl(url) : undefined;
    if (!queue) return NONE;
    return one({ type: 'AWS::SQS::Queue', arn: `arn:aws:sqs:${f.region ?? ''}:${queue.account}:${queue.name}`, accountId: queue.account }, url ?? queue.name);
  },
  sns: (f) => {
    const name = str(f.input.Name);
    const arn = str(f.input.TopicArn) ?? str(f.output?.TopicArn) ?? (name && f.region && f.accountId ? `arn:aws:sns:${f.region}:${f.accountId}:${name}` : undefined);
    return arn ? one({ type: 'AWS::SNS::Topic', arn, accountId: accountOf(arn) }, arn) : NONE;
  },
  kms: (f) => {
    const keyId = str(f.input.KeyId) ?? str(record(f.output?.KeyMetadata)?.Arn);
    if (!keyId || keyId.startsWith('alias/')) return NONE;
    const arn = keyId.startsWith('arn:') ? keyId : f.region && f.accountId ? `arn:aws:kms:${f.region}:${f.accountId}:key/${keyId}` : undefined;
    if (!arn) return { resources: [], lookup: [{ type: 'AWS::KMS::Key', name: keyId }] };
    // KMS's documented records list the key with its account and no type.
    return { resources: [{ ARN: arn, accountId: accountOf(arn) }], lookup: [{ type: 'AWS::KMS::Key', name: arn }] };
  },
  secretsmanager: (f) => {
    const arn = [str(f.input.SecretId), str(f.output?.ARN)].find((s) => s?.startsWith('arn:'));
    const name = str(f.input.Name) ?? str(f.input.SecretId);
    if (arn) return one({ type: 'AWS::SecretsManager::Secret', arn, accountId: accountOf(arn) }, arn);
    return name ? { resources: [], lookup: [{ type: 'AWS::SecretsManager::Secret', name }] } : NONE;
  },
  iam: (f) => {
    const lookup: LookupResource[] = [];
    const user = str(f.input.UserName);
    const role = str(f.input.RoleName);
    if (user) lookup.push({ type: 'AWS::IAM::User', name: user });
    if (role) lookup.push({ type: 'AWS::IAM::Role', name: role });
    return { resources: [], lookup };
  },
  sts: (f) => {
    const arn = str(f.input.RoleArn);
    return arn ? one({ type: 'AWS::IAM::Role', arn, accountId: accountOf(arn) }, arn) : NONE;
  },
  ec2: (f) => {
    const ids = Array.isArray(f.input.InstanceIds) ? f.input.InstanceIds.filter((x): x is string => typeof x === 'string') : [];
    return { resources: [], lookup: ids.map((name) => ({ type: 'AWS::EC2::Instance', name })) };
  },
};

function one(r: { type: string; arn: string; accountId: string | undefined }, lookupName: string): Described {
  return {
    resources: [{ ...(r.accountId ? { accountId: r.accountId } : {}), type: r.type, ARN: r.arn }],
    lookup: [{ type: r.type, name: lookupName }],
  };
}

/** Resources named by ARN or by a name made into one in the call's region and account. */
function many(f: ResourceFacts, type: string, names: Array<string | undefined>, resource: (name: string) => string, service: string): Described {
  const out: Described = { resources: [], lookup: [] };
  for (const name of new Set(names.filter((n): n is string => n !== undefined && n !== ''))) {
    const arn = name.startsWith('arn:') ? name : f.region && f.accountId ? `arn:aws:${service}:${f.region}:${f.accountId}:${resource(name)}` : undefined;
    if (arn) out.resources.push({ ...(accountOf(arn) ? { accountId: accountOf(arn) } : {}), type, ARN: arn });
    out.lookup.push({ type, name });
  }
  return out;
}

/** Lambda's partial ARN `123456789012:function:my-function` made whole, in its own account. */
function functionName(f: ResourceFacts, name: string | undefined): string | undefined {
  const partial = name === undefined ? null : /^(\d{12}):function:(.+)$/.exec(name);
  return partial && f.region ? `arn:aws:lambda:${f.region}:${partial[1]!}:function:${partial[2]!}` : name;
}

/** `https://sqs.us-east-1.amazonaws.com/123456789012/MyQueue` → account and queue name. */
function queueFromUrl(url: string): { account: string; name: string } | undefined {
  const m = /^[a-z]+:\/\/[^/]+\/([^/]+)\/([^/?#]+)\/?$/.exec(url);
  return m ? { account: m[1]!, name: m[2]! } : undefined;
}

function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account ? account : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return isPlainObject(v) ? v : undefined;
}
