/**
 * A steady stream of AWS calls against a (child) server, for crash tests: CloudTrail reads and
 * writes from two regions, S3 object writes and reads inside and outside a logged key prefix,
 * some failing on purpose. A call that got an answer (success or an AWS error) is acknowledged:
 * it is kept with the request id the client saw and what its CloudTrail record should say. Calls
 * cut off by a kill are only counted.
 */
import { Agent } from 'node:http';
import {
  AddTagsCommand,
  CloudTrailClient,
  CloudTrailServiceException,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  RemoveTagsCommand,
} from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ROOT_KEYS } from './child.js';

/** What CloudTrail should record about a call (the fields trails select on). */
export interface CallFacts {
  eventName: string;
  region: string;
  category: 'Management' | 'Data';
  readOnly: boolean;
  /** The S3 object an object-level call touched. */
  objectArn?: string;
  /** The AWS error code the client got, if the call failed. */
  errorCode?: string;
}

export interface AckedCall extends CallFacts {
  requestId: string;
  /** Order of acknowledgement across the whole test (setup calls come first). */
  index: number;
}

/** Every call of a test: answered ones in order, and how many were cut off or failed with 5xx. */
export class CallLog {
  readonly acked: AckedCall[] = [];
  unacked = 0;
  readonly serverErrors: string[] = [];

  ack(facts: CallFacts, requestId: string | undefined): AckedCall {
    if (!requestId) throw new Error(`${facts.eventName} answered without a request id`);
    const call = { ...facts, requestId, index: this.acked.length };
    this.acked.push(call);
    return call;
  }
}

export interface LoadTargets {
  /** A trail homed in us-east-1 and one homed in us-west-2 that AddTags/RemoveTags may change. */
  eastTrailArn: string;
  westTrailArn: string;
  /** The bucket object calls go to, and the key prefix some of them use. */
  bucket: string;
  loggedPrefix: string;
  otherPrefix: string;
}

interface Clients {
  east: CloudTrailClient;
  west: CloudTrailClient;
  s3: S3Client;
}

interface PreparedCall {
  facts: CallFacts;
  send(): Promise<unknown>;
}

const handler = (concurrency: number) => new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) });

function clients(endpoint: string, concurrency: number): Clients {
  const common = { endpoint, credentials: ROOT_KEYS, maxAttempts: 1 };
  return {
    east: new CloudTrailClient({ ...common, region: 'us-east-1', requestHandler: handler(concurrency) }),
    west: new CloudTrailClient({ ...common, region: 'us-west-2', requestHandler: handler(concurrency) }),
    s3: new S3Client({ ...common, region: 'us-east-1', forcePathStyle: true, requestHandler: handler(concurrency) }),
  };
}

const mgmt = (eventName: string, region: string, readOnly: boolean, errorCode?: string): CallFacts => ({
  eventName,
  region,
  category: 'Management',
  readOnly,
  ...(errorCode ? { errorCode } : {}),
});

/** The request id of an answer: a response, or an AWS error (5xx are kept apart). */
function answered(err: unknown): { requestId: string | undefined; code: string; status: number } | undefined {
  if (!(err instanceof CloudTrailServiceException || err instanceof S3ServiceException)) return undefined;
  const status = err.$metadata.httpStatusCode;
  return status === undefined ? undefined : { requestId: err.$metadata.requestId, code: err.name, status };
}

/**
 * Calls made against one server after another, sharing the ledger, the PRNG and the objects
 * written so far (GetObject reads keys earlier PutObjects were acknowledged for).
 */
export class Workload {
  private readonly stored: string[] = [];
  private keys = 0;

  constructor(
    private readonly log: CallLog,
    private readonly targets: LoadTargets,
    private readonly rand: () => number,
  ) {}

  /**
   * Starts `concurrency` callers. `answered` resolves at the first acknowledged call; `stop()`
   * lets every caller finish its current call and resolves when all have.
   */
  start(endpoint: string, concurrency: number): { answered: Promise<void>; stop(): Promise<void> } {
    const c = clients(endpoint, concurrency);
    const pick = this.picker(c);
    const before = this.log.acked.length;
    let stopped = false;
    let onAnswer = () => {};
    const answered = new Promise<void>((resolve) => (onAnswer = resolve));
    const caller = async () => {
      while (!stopped) {
        await this.call(pick());
        if (this.log.acked.length > before) onAnswer();
      }
    };
    const running = Promise.all(Array.from({ length: concurrency }, caller));
    // A caller that met an unexpected error fails the test in stop(), not as an unhandled rejection.
    running.catch(() => undefined);
    return {
      answered,
      stop: async () => {
        stopped = true;
        onAnswer();
        try {
          await running;
        } finally {
          for (const client of Object.values(c)) client.destroy();
        }
      },
    };
  }

  private async call(prepared: PreparedCall): Promise<void> {
    try {
      const out = (await prepared.send()) as { $metadata: { requestId?: string } };
      this.log.ack(prepared.facts, out.$metadata.requestId);
    } catch (err) {
      const answer = answered(err);
      if (!answer) this.log.unacked++;
      else if (answer.status >= 500) this.log.serverErrors.push(`${prepared.facts.eventName}: ${answer.code}`);
      else if (answer.code !== prepared.facts.errorCode) throw err;
      else this.log.ack(prepared.facts, answer.requestId);
    }
  }

  private nextKey(): string {
    return String(this.keys++);
  }

  /** The call mix: [weight, how to make one call]. Object keys are unique per attempt. */
  private picker(c: Clients): () => PreparedCall {
    const { targets: t, rand } = this;
    const tags = () => [{ Key: `k${Math.floor(rand() * 5)}`, Value: String(Math.floor(rand() * 1000)) }];
    const objectFacts = (eventName: string, readOnly: boolean, key: string, errorCode?: string): CallFacts => ({
      eventName,
      region: 'us-east-1',
      category: 'Data',
      readOnly,
      objectArn: `arn:aws:s3:::${t.bucket}/${key}`,
      ...(errorCode ? { errorCode } : {}),
    });
    const put = (prefix: string): PreparedCall => {
      const key = `${prefix}${this.nextKey()}`;
      return {
        facts: objectFacts('PutObject', false, key),
        send: async () => {
          const out = await c.s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: key }));
          if (prefix === t.loggedPrefix) this.stored.push(key);
          return out;
        },
      };
    };
    const get = (key: string, errorCode?: string): PreparedCall => ({
      facts: objectFacts('GetObject', true, key, errorCode),
      send: async () => {
        const out = await c.s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: key }));
        await out.Body?.transformToString();
        return out;
      },
    });
    const ct = (facts: CallFacts, send: () => Promise<unknown>): PreparedCall => ({ facts, send });
    const kinds: [number, () => PreparedCall][] = [
      [3, () => ct(mgmt('LookupEvents', 'us-east-1', true), () => c.east.send(new LookupEventsCommand({ MaxResults: 1 })))],
      [2, () => ct(mgmt('ListTrails', 'us-east-1', true), () => c.east.send(new ListTrailsCommand({})))],
      [1, () => ct(mgmt('GetTrailStatus', 'us-east-1', true), () => c.east.send(new GetTrailStatusCommand({ Name: t.eastTrailArn })))],
      [0.5, () => ct(mgmt('GetTrailStatus', 'us-east-1', true, 'TrailNotFoundException'), () => c.east.send(new GetTrailStatusCommand({ Name: 'no-such-trail' })))],
      [1, () => ct(mgmt('AddTags', 'us-east-1', false), () => c.east.send(new AddTagsCommand({ ResourceId: t.eastTrailArn, TagsList: tags() })))],
      [0.5, () => ct(mgmt('RemoveTags', 'us-east-1', false), () => c.east.send(new RemoveTagsCommand({ ResourceId: t.eastTrailArn, TagsList: tags() })))],
      [1, () => ct(mgmt('ListTrails', 'us-west-2', true), () => c.west.send(new ListTrailsCommand({})))],
      [1, () => ct(mgmt('DescribeTrails', 'us-west-2', true), () => c.west.send(new DescribeTrailsCommand({})))],
      [1, () => ct(mgmt('AddTags', 'us-west-2', false), () => c.west.send(new AddTagsCommand({ ResourceId: t.westTrailArn, TagsList: tags() })))],
      [3, () => put(t.loggedPrefix)],
      [1, () => put(t.otherPrefix)],
      [2, () => (this.stored.length > 0 ? get(this.stored[Math.floor(rand() * this.stored.length)]!) : put(t.loggedPrefix))],
      [0.5, () => get(`${t.loggedPrefix}missing-${this.nextKey()}`, 'NoSuchKey')],
    ];
    const total = kinds.reduce((sum, [w]) => sum + w, 0);
    return () => {
      let r = rand() * total;
      for (const [w, make] of kinds) if ((r -= w) < 0) return make();
      return kinds[0]![1]();
    };
  }
}
