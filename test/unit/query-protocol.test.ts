/**
 * The awsQuery protocol layer (src/aws/query-*.ts) over the REAL IAM model with a few fake
 * handlers: parameter reading (nested structures, lists, maps, scalars), the XML botocore reads
 * (checked with botocore's own QueryParser), error documents and codes (modeled overrides,
 * InvalidAction, ValidationError), authorization, the record form of calls, claims, and fuzzing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createQueryService, type QueryOperation } from '../../src/aws/query-service.js';
import { AwsError } from '../../src/aws/errors.js';
import { SigV4Errors } from '../../src/aws/sigv4/messages.js';
import type { AccessRequest, AwsService, ServiceContext, ServiceRequest } from '../../src/aws/service.js';
import type { RawRequest, Verified } from '../../src/aws/sigv4/index.js';
import type { ServiceModel, ShapeTable } from '../../src/aws/model-types.js';
import { createLogger } from '../../src/lib/logger.js';
import { model as iamModel } from '../../src/services/iam/generated/model.js';
import type * as Iam from '../../src/services/iam/generated/model.js';
import { prng } from '../helpers/prng.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const CREATED = new Date(Date.UTC(2026, 11, 7, 20, 0, 0));
const ACCOUNT = '123456789012';

function user(name: string, tags?: Iam.Tag[]): Iam.User {
  return {
    Path: '/',
    UserName: name,
    UserId: 'AIDAEXAMPLE0000000001',
    Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    CreateDate: CREATED,
    ...(tags ? { Tags: tags } : {}),
  };
}

/** What the fake handlers saw, for assertions on the typed input. */
const seen: Record<string, unknown> = {};

function op<I, O>(name: string, impl: Omit<QueryOperation<I, O>, 'handler'> & { run(input: I): O }): QueryOperation<I, O> {
  const { run, ...rest } = impl;
  return {
    ...rest,
    handler: async (input) => {
      seen[name] = input;
      return run(input);
    },
  };
}

const table = {
  CreateUser: op<Iam.CreateUserRequest, Iam.CreateUserResponse>('CreateUser', {
    run: (i) => ({ User: user(i.UserName, i.Tags) }),
    resources: (i) => ({
      resources: [{ ARN: `arn:aws:iam::${ACCOUNT}:user/${i.UserName}`, accountId: ACCOUNT, type: 'AWS::IAM::User' }],
      lookup: [{ type: 'AWS::IAM::User', name: i.UserName }],
    }),
  }),
  ListUsers: op<Iam.ListUsersRequest, Iam.ListUsersResponse>('ListUsers', {
    run: () => ({ Users: [user('a'), user('b')], IsTruncated: false }),
  }),
  GetUser: op<Iam.GetUserRequest, Iam.GetUserResponse>('GetUser', {
    run: (i) => {
      if (i.UserName === 'boom') throw new Error('disk on fire');
      if (i.UserName === 'short') throw new AwsError('NoSuchEntity', `The user with name ${i.UserName} cannot be found.`, 404);
      throw new AwsError('NoSuchEntityException', `The user with name ${i.UserName ?? ''} cannot be found.`);
    },
  }),
  PutUserPolicy: op<Iam.PutUserPolicyRequest, Record<string, never>>('PutUserPolicy', {
    run: () => ({}),
    access: (i) => ({ action: 'iam:PutUserPolicy', resource: `arn:aws:iam::${ACCOUNT}:user/${i.UserName}` }),
    resources: (i) => ({ resources: [], lookup: [{ type: 'AWS::IAM::User', name: i.UserName }] }),
  }),
  CreateLoginProfile: op<Iam.CreateLoginProfileRequest, Iam.CreateLoginProfileResponse>('CreateLoginProfile', {
    run: (i) => ({ LoginProfile: { UserName: i.UserName ?? 'me', CreateDate: CREATED, PasswordResetRequired: i.PasswordResetRequired ?? false } }),
  }),
  GetAccountSummary: op<Record<string, never>, Iam.GetAccountSummaryResponse>('GetAccountSummary', {
    run: () => ({ SummaryMap: { Users: 2, Groups: 0 } }),
  }),
  SimulateCustomPolicy: op<Iam.SimulateCustomPolicyRequest, Iam.SimulatePolicyResponse>('SimulateCustomPolicy', {
    run: () => ({ EvaluationResults: [], IsTruncated: false }),
  }),
};

function iamService(): AwsService {
  return createQueryService({
    model: iamModel,
    signingName: 'iam',
    eventSource: 'iam.amazonaws.com',
    globalRegion: 'us-east-1',
    table,
    notImplemented: (operation) => new AwsError('NotImplemented', `OpenTrail does not support the IAM ${operation} operation yet.`, 501),
  });
}

const services = { logger: createLogger('silent') } as unknown as ServiceContext; // only the logger is read
const verified = { scope: { region: 'us-east-1', service: 'iam' } } as unknown as Verified; // unread by the layer

interface Options {
  method?: string;
  url?: string;
  contentType?: string;
  deny?: boolean;
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function rawRequest(body: string, o: Options = {}): RawRequest {
  return {
    method: o.method ?? 'POST',
    url: o.url ?? '/',
    headers: { host: 'iam.amazonaws.com', 'content-type': o.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new Uint8Array(Buffer.from(body)),
  };
}

async function call(params: Record<string, string> | string, o: Options = {}) {
  const asked: AccessRequest[] = [];
  const req: ServiceRequest = {
    raw: rawRequest(typeof params === 'string' ? params : form({ Version: '2010-05-08', ...params }), o),
    verified,
    requestId: 'req-1',
    context: {
      services,
      principal: { type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:root` } as never, // enough for handlers that ignore it
      accountId: ACCOUNT,
      region: 'us-east-1',
      requestId: 'req-1',
      authorize: async (r) => {
        asked.push(r);
        if (o.deny) throw new AwsError('AccessDenied', `User is not authorized to perform: ${r.action} on resource: ${r.resource}`, 403);
      },
    },
  };
  const { response, call: recorded } = await iamService().handle(req);
  return { ...response, body: String(response.body), call: recorded, asked };
}

/** Parses `xml` with botocore's QueryParser for IAM `operation` (the AWS CLI's own parser). */
function botocoreParse(operation: string, xml: string, status: number): unknown {
  const script = `
import json, sys, datetime
import botocore.session
from botocore.parsers import QueryParser
op = botocore.session.get_session().get_service_model('iam').operation_model(sys.argv[1])
parsed = QueryParser().parse({'body': sys.stdin.buffer.read(), 'headers': {}, 'status_code': int(sys.argv[2])}, op.output_shape)
for added in ('HTTPHeaders', 'HTTPStatusCode'):
    parsed.get('ResponseMetadata', {}).pop(added, None)
print(json.dumps(parsed, default=lambda o: o.isoformat()))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, operation, String(status)], { input: xml }).toString());
}

/** The form body botocore's QuerySerializer (the AWS CLI's) writes for IAM `operation`, encoded as sent. */
function botocoreSerialize(operation: string, params: unknown): string {
  const script = `
import json, sys, urllib.parse
import botocore.session
from botocore.serialize import QuerySerializer
op = botocore.session.get_session().get_service_model('iam').operation_model(sys.argv[1])
body = QuerySerializer().serialize_to_request(json.loads(sys.argv[2]), op)['body']
sys.stdout.write(urllib.parse.urlencode(body))
`;
  return execFileSync('python3', ['-c', script, operation, JSON.stringify(params)]).toString();
}

describe('reading parameters', () => {
  test("what botocore's QuerySerializer writes reads back as the same input", async () => {
    const params = {
      ActionNames: ['iam:GetUser', 'iam:ListUsers'],
      PolicyInputList: ['{"Version":"2012-10-17"}'],
      ContextEntries: [
        { ContextKeyName: 'aws:username', ContextKeyValues: ['a b', 'c&d=e'], ContextKeyType: 'stringList' },
        { ContextKeyName: 'aws:SecureTransport', ContextKeyValues: ['true'], ContextKeyType: 'boolean' },
      ],
      MaxItems: 7,
    };
    const body = botocoreSerialize('SimulateCustomPolicy', params);
    assert.match(body, /ContextEntries\.member\.2\.ContextKeyValues\.member\.1=true/);
    assert.match(body, /Action=SimulateCustomPolicy&Version=2010-05-08/);
    const r = await call(body);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(seen.SimulateCustomPolicy, params);
    const login = botocoreSerialize('CreateLoginProfile', { UserName: 'u', Password: 'p', PasswordResetRequired: true });
    await call(login);
    assert.deepEqual(seen.CreateLoginProfile, { UserName: 'u', Password: 'p', PasswordResetRequired: true });
  });

  test('top-level members, lists of structures (.member.N, in index order) and escapes', async () => {
    const r = await call({
      Action: 'CreateUser',
      UserName: 'alice',
      Path: '/team/',
      'Tags.member.2.Key': 'b',
      'Tags.member.2.Value': 'x y+z&=',
      'Tags.member.1.Key': 'a',
      'Tags.member.1.Value': '',
      Unknown: 'ignored',
    });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(seen.CreateUser, {
      Path: '/team/',
      UserName: 'alice',
      Tags: [{ Key: 'a', Value: '' }, { Key: 'b', Value: 'x y+z&=' }],
    });
  });

  test('nested lists inside list members, integers and booleans', async () => {
    const r = await call({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': '{}',
      'ActionNames.member.1': 'iam:GetUser',
      'ContextEntries.member.1.ContextKeyName': 'aws:username',
      'ContextEntries.member.1.ContextKeyType': 'string',
      'ContextEntries.member.1.ContextKeyValues.member.1': 'x',
      'ContextEntries.member.1.ContextKeyValues.member.2': 'y',
      MaxItems: '20',
    });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(seen.SimulateCustomPolicy, {
      PolicyInputList: ['{}'],
      ActionNames: ['iam:GetUser'],
      ContextEntries: [{ ContextKeyName: 'aws:username', ContextKeyValues: ['x', 'y'], ContextKeyType: 'string' }],
      MaxItems: 20,
    });
    await call({ Action: 'CreateLoginProfile', UserName: 'u', Password: 'pw', PasswordResetRequired: 'true' });
    assert.deepEqual(seen.CreateLoginProfile, { UserName: 'u', Password: 'pw', PasswordResetRequired: true });
  });

  test("botocore's empty list (`Name=`) is an empty list", async () => {
    await call({ Action: 'CreateUser', UserName: 'e', Tags: '' });
    assert.deepEqual(seen.CreateUser, { UserName: 'e', Tags: [] });
  });

  test('GET with the query string works as a form POST does', async () => {
    const r = await call('', { method: 'GET', url: `/?${form({ Action: 'ListUsers', Version: '2010-05-08', MaxItems: '5' })}` });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(seen.ListUsers, { MaxItems: 5 });
  });

  test('flattened lists, locationName and maps (.entry.N.key/.value), timestamps (hand-built model)', async () => {
    const shapes: ShapeTable = {
      In: {
        type: 'structure',
        members: {
          Flat: { shape: 'FlatList' },
          Renamed: { shape: 'Str', locationName: 'Other' },
          Attrs: { shape: 'Attrs' },
          When: { shape: 'Time' },
          Named: { shape: 'NamedList' },
        },
      },
      Out: { type: 'structure', members: { Flat: { shape: 'FlatList' }, Attrs: { shape: 'Attrs' }, When: { shape: 'Time' } } },
      Str: { type: 'string' },
      Time: { type: 'timestamp' },
      FlatList: { type: 'list', member: { shape: 'Str' }, flattened: true },
      NamedList: { type: 'list', member: { shape: 'Str', locationName: 'item' } },
      Attrs: { type: 'map', key: { shape: 'Str', locationName: 'Name' }, value: { shape: 'Str', locationName: 'Value' } },
    };
    const m: ServiceModel = {
      metadata: { ...iamModel.metadata, xmlNamespace: 'urn:test' },
      shapes,
      operations: { Echo: { input: 'In', output: 'Out', errors: [], http: { method: 'POST', requestUri: '/' } } },
    };
    let got: unknown;
    const svc = createQueryService({
      model: m,
      signingName: 'test',
      eventSource: 'test.amazonaws.com',
      table: { Echo: { handler: async (i: Record<string, unknown>) => ((got = i), i) } as QueryOperation<never, unknown> },
      notImplemented: () => new AwsError('NotImplemented', 'no', 501),
    });
    const body = form({
      Action: 'Echo',
      'Flat.1': 'a',
      'Flat.2': 'b',
      Other: 'r',
      'Attrs.entry.1.Name': 'k1',
      'Attrs.entry.1.Value': 'v1',
      'Attrs.entry.2.Name': '__proto__',
      'Attrs.entry.2.Value': 'v2',
      When: '2026-12-07T20:00:00.5Z',
      'Named.item.1': 'i',
    });
    const { response } = await svc.handle(reqFor(body));
    assert.equal(response.status, 200, String(response.body));
    assert.deepEqual(JSON.parse(JSON.stringify(got)), {
      Flat: ['a', 'b'],
      Renamed: 'r',
      Attrs: { k1: 'v1', ['__proto__']: 'v2' },
      When: '2026-12-07T20:00:00.500Z',
      Named: ['i'],
    });
    assert.equal(Object.getPrototypeOf((got as { Attrs: object }).Attrs), Object.prototype);
    assert.match(
      String(response.body),
      /<EchoResult><Flat>a<\/Flat><Flat>b<\/Flat><Attrs><entry><Name>k1<\/Name><Value>v1<\/Value><\/entry><entry><Name>__proto__<\/Name><Value>v2<\/Value><\/entry><\/Attrs><When>2026-12-07T20:00:00.500Z<\/When><\/EchoResult>/,
    );
    assert.match(String(response.body), /<EchoResponse xmlns="urn:test">/);
  });
});

function reqFor(body: string): ServiceRequest {
  return {
    raw: rawRequest(body),
    verified,
    requestId: 'req-2',
    context: { services, principal: {} as never, accountId: ACCOUNT, region: 'us-east-1', requestId: 'req-2', authorize: async () => undefined }, // principal unread
  };
}

describe('responses', () => {
  test('CreateUser: the Response/Result document, members in model order, text/xml, request id header', async () => {
    const r = await call({ Action: 'CreateUser', UserName: 'alice', 'Tags.member.1.Key': 't', 'Tags.member.1.Value': 'a<&>b' });
    assert.equal(r.headers['content-type'], 'text/xml');
    assert.equal(r.headers['x-amzn-requestid'], 'req-1');
    assert.equal(
      r.body,
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<CreateUserResponse xmlns="${NS}"><CreateUserResult><User><Path>/</Path><UserName>alice</UserName>` +
        `<UserId>AIDAEXAMPLE0000000001</UserId><Arn>arn:aws:iam::${ACCOUNT}:user/alice</Arn>` +
        '<CreateDate>2026-12-07T20:00:00Z</CreateDate><Tags><member><Key>t</Key><Value>a&lt;&amp;&gt;b</Value></member></Tags>' +
        '</User></CreateUserResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateUserResponse>',
    );
  });

  test('an operation without output has no Result element', async () => {
    const r = await call({ Action: 'PutUserPolicy', UserName: 'u', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17"}' });
    assert.equal(r.status, 200);
    assert.match(r.body, new RegExp(`<PutUserPolicyResponse xmlns="${NS}"><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PutUserPolicyResponse>$`));
  });

  test("botocore's QueryParser reads lists, maps, timestamps, booleans and errors", async () => {
    const created = await call({ Action: 'CreateUser', UserName: 'alice', 'Tags.member.1.Key': 't', 'Tags.member.1.Value': 'v' });
    assert.deepEqual(botocoreParse('CreateUser', created.body, 200), {
      User: {
        Path: '/',
        UserName: 'alice',
        UserId: 'AIDAEXAMPLE0000000001',
        Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        CreateDate: '2026-12-07T20:00:00+00:00',
        Tags: [{ Key: 't', Value: 'v' }],
      },
      ResponseMetadata: { RequestId: 'req-1' },
    });
    const listed = await call({ Action: 'ListUsers' });
    const parsedList = botocoreParse('ListUsers', listed.body, 200) as { Users: Array<{ UserName: string }>; IsTruncated: boolean };
    assert.deepEqual([parsedList.Users.map((u) => u.UserName), parsedList.IsTruncated], [['a', 'b'], false]);
    const summary = await call({ Action: 'GetAccountSummary' });
    assert.deepEqual((botocoreParse('GetAccountSummary', summary.body, 200) as { SummaryMap: unknown }).SummaryMap, { Users: 2, Groups: 0 });
    const missing = await call({ Action: 'GetUser', UserName: 'ghost' });
    assert.deepEqual(botocoreParse('GetUser', missing.body, missing.status), {
      Error: { Type: 'Sender', Code: 'NoSuchEntity', Message: 'The user with name ghost cannot be found.' },
      ResponseMetadata: { RequestId: 'req-1' },
    });
  });
});

describe('errors', () => {
  test("a modeled exception answers with its error.code and status; the record keeps the thrown code", async () => {
    const r = await call({ Action: 'GetUser', UserName: 'ghost' });
    assert.equal(r.status, 404);
    assert.equal(
      r.body,
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
        '<Message>The user with name ghost cannot be found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>',
    );
    assert.equal(r.call.error?.code, 'NoSuchEntityException');
    const short = await call({ Action: 'GetUser', UserName: 'short' });
    assert.deepEqual([short.status, /<Code>NoSuchEntity<\/Code>/.test(short.body)], [404, true]);
  });

  test('unknown and missing Action', async () => {
    const unknown = await call({ Action: 'FlyToTheMoon' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /<Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>Could not find operation FlyToTheMoon for version 2010-05-08<\/Message>/);
    assert.equal(unknown.call.eventName, 'FlyToTheMoon');
    const missing = await call('Version=2010-05-08');
    assert.equal(missing.status, 400);
    assert.match(missing.body, /<Code>MissingAction<\/Code>/);
    assert.equal(missing.call.eventName, 'UnknownOperation');
  });

  test('a modeled operation missing from the table gets notImplemented (Receiver), with its parameters recorded', async () => {
    const r = await call({ Action: 'DeleteUser', UserName: 'bob' });
    assert.equal(r.status, 501);
    assert.match(r.body, /<Type>Receiver<\/Type><Code>NotImplemented<\/Code>/);
    assert.deepEqual(r.call.requestParameters, { userName: 'bob' });
  });

  test('validation: Coral-worded ValidationError for missing, constrained and malformed values', async () => {
    const missing = await call({ Action: 'CreateUser' });
    assert.equal(missing.status, 400);
    assert.match(
      missing.body,
      /<Code>ValidationError<\/Code><Message>1 validation error detected: Value null at &apos;userName&apos; failed to satisfy constraint: Member must not be null<\/Message>/,
    );
    assert.deepEqual(botocoreParse('CreateUser', missing.body, 400), {
      Error: {
        Type: 'Sender',
        Code: 'ValidationError',
        Message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
      },
      ResponseMetadata: { RequestId: 'req-1' },
    });
    const long = await call({ Action: 'CreateUser', UserName: 'x'.repeat(65) });
    assert.match(long.body, /Member must have length less than or equal to 64/);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ Action: 'ListUsers', MaxItems: 'abc' }, /Value &apos;abc&apos; at &apos;maxItems&apos; failed to satisfy constraint: Member must be an integer/],
      [{ Action: 'ListUsers', MaxItems: '99999999999' }, /at &apos;maxItems&apos;/],
      [{ Action: 'CreateLoginProfile', UserName: 'u', PasswordResetRequired: 'yes' }, /at &apos;passwordResetRequired&apos; failed to satisfy constraint: Member must be true or false/],
      [{ Action: 'CreateUser', UserName: 'u', 'Tags.member.99999999.Key': 'k' }, /at &apos;tags&apos; failed to satisfy constraint: Member must be indexed from 1 to 1000/],
      [{ Action: 'CreateUser', UserName: 'u', 'Tags.member.0.Key': 'k' }, /Member must be indexed from 1/],
      [{ Action: 'CreateUser', UserName: 'u', 'Tags.member.1.Key': 'k' }, /Value null at &apos;tags.1.member.value&apos; failed to satisfy constraint: Member must not be null/],
    ];
    for (const [params, expected] of cases) {
      const r = await call(params);
      assert.equal(r.status, 400, JSON.stringify(params));
      assert.match(r.body, /<Code>ValidationError<\/Code>/);
      assert.match(r.body, expected, JSON.stringify(params));
    }
  });

  test('a sensitive value is never echoed in a validation message', async () => {
    const r = await call({ Action: 'CreateLoginProfile', UserName: 'u', Password: 'p'.repeat(200) });
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.body, /ppp/);
    assert.match(r.body, /Value at &apos;password&apos;/);
  });

  test('an unexpected handler failure is a recorded 500 InternalFailure that leaks nothing', async () => {
    const r = await call({ Action: 'GetUser', UserName: 'boom' });
    assert.equal(r.status, 500);
    assert.match(r.body, /<Type>Receiver<\/Type><Code>InternalFailure<\/Code>/);
    assert.doesNotMatch(r.body, /disk on fire/);
    assert.equal(r.call.error?.code, 'InternalFailure');
  });

  test('SigV4 failures are rendered in the query dialect', () => {
    const svc = iamService();
    const r = svc.errorResponse(SigV4Errors.missingAuthentication(), 'rid');
    assert.equal(r.status, 403);
    assert.match(String(r.body), /<Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message>/);
  });
});

describe('authorization', () => {
  test('the default asks for <signingName>:<Action> on *; an operation may ask for more', async () => {
    const r = await call({ Action: 'ListUsers' });
    assert.deepEqual(r.asked, [{ action: 'iam:ListUsers', resource: '*' }]);
    const p = await call({ Action: 'PutUserPolicy', UserName: 'u', PolicyName: 'p', PolicyDocument: '{}' });
    assert.deepEqual(p.asked, [{ action: 'iam:PutUserPolicy', resource: `arn:aws:iam::${ACCOUNT}:user/u` }]);
  });

  test('a denial is rendered and recorded like a handler error; the handler never runs', async () => {
    delete seen.CreateUser;
    const r = await call({ Action: 'CreateUser', UserName: 'denied' }, { deny: true });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>User is not authorized to perform: iam:CreateUser on resource: \*<\/Message>/);
    assert.equal(seen.CreateUser, undefined);
    assert.equal(r.call.error?.code, 'AccessDenied');
    assert.deepEqual(r.call.lookupResources, [{ type: 'AWS::IAM::User', name: 'denied' }]);
    assert.equal(r.call.responseElements, null);
  });
});

describe('recording', () => {
  test('requestParameters and responseElements in lowerCamel record form; sensitive members hidden', async () => {
    const r = await call({ Action: 'CreateUser', UserName: 'alice', 'Tags.member.1.Key': 't', 'Tags.member.1.Value': 'v' });
    assert.equal(r.call.eventName, 'CreateUser');
    assert.equal(r.call.readOnly, false);
    assert.equal(r.call.managementEvent, true);
    assert.deepEqual(r.call.requestParameters, { userName: 'alice', tags: [{ key: 't', value: 'v' }] });
    assert.deepEqual(r.call.responseElements, {
      user: {
        path: '/',
        userName: 'alice',
        userId: 'AIDAEXAMPLE0000000001',
        arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        createDate: 'Dec 7, 2026, 8:00:00 PM',
        tags: [{ key: 't', value: 'v' }],
      },
    });
    assert.deepEqual(r.call.resources, [{ ARN: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, type: 'AWS::IAM::User' }]);
    const login = await call({ Action: 'CreateLoginProfile', UserName: 'u', Password: 'Sup3r-Secret!' });
    assert.deepEqual(login.call.requestParameters, { userName: 'u', password: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
    assert.doesNotMatch(JSON.stringify(login.call), /Sup3r/);
    const policy = await call({ Action: 'PutUserPolicy', UserName: 'u', PolicyName: 'p', PolicyDocument: '{"Statement":[]}' });
    assert.deepEqual(policy.call.requestParameters, { userName: 'u', policyName: 'p', policyDocument: '{"Statement":[]}' });
    assert.equal(policy.call.responseElements, null);
  });

  test('read-only calls (verb rule) record no responseElements', async () => {
    const r = await call({ Action: 'ListUsers' });
    assert.equal(r.call.readOnly, true);
    assert.equal(r.call.responseElements, null);
    assert.equal(r.call.requestParameters, null);
  });
});

describe('claims', () => {
  const svc = iamService();
  const unsigned = (body: string, o: Options & { length?: string } = {}): RawRequest => {
    const raw = rawRequest(body, o);
    if (o.length !== undefined) raw.headers['content-length'] = o.length;
    return raw;
  };
  test('an unsigned form POST or GET to / naming one of the model actions', () => {
    assert.equal(svc.claims(unsigned('Action=ListUsers&Version=2010-05-08')), true);
    assert.equal(svc.claims(unsigned('', { method: 'GET', url: '/?Action=GetUser' })), true);
    assert.equal(svc.claims(unsigned('Action=GetCallerIdentity&Version=2011-06-15')), false, "STS's action");
    assert.equal(svc.claims(unsigned('Action=ListUsers&Version=2011-06-15')), false, 'another version');
    assert.equal(svc.claims(unsigned('Action=ListUsers', { url: '/bucket/key' })), false, 'an S3 path');
    assert.equal(svc.claims(unsigned('{"Action":"ListUsers"}', { contentType: 'application/x-amz-json-1.1' })), false);
    assert.equal(svc.claims(unsigned('', { method: 'GET', url: '/' })), false, 'S3 ListBuckets');
  });

  test('a form POST whose body is not read yet (the streaming decision), and signed requests by scope', () => {
    assert.equal(svc.claims(unsigned('', { length: '42' })), true);
    assert.equal(svc.claims(unsigned('', { length: '0' })), false);
    const signed = (service: string): RawRequest => ({
      ...unsigned(''),
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261207/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00` },
    });
    assert.equal(svc.claims(signed('iam')), true);
    assert.equal(svc.claims(signed('sts')), false);
  });
});

describe('fuzz', () => {
  test('garbage bodies, names and values never give a 5xx or throw', async () => {
    const rand = prng(20261207);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const names = ['Action', 'UserName', 'Tags', 'Tags.member', 'Tags.member.1', 'Tags.member.1.Key', 'Tags.member.x.Key', 'Tags.member.-1.Value',
      'Tags.member.1000.Key', 'Tags.member.1001.Key', 'MaxItems', 'Marker', 'PasswordResetRequired', 'ContextEntries.member.1.ContextKeyValues.member.99999999',
      'SummaryMap.entry.1.key', '..', '.', '', '__proto__', 'constructor.prototype', 'Tags.__proto__.1', 'A'.repeat(300)];
    const values = ['', 'x', '1', '-1', '1e99', 'true', 'NaN', '%', '%zz', '\u0000', '<&>', 'ü'.repeat(100), 'ListUsers', 'CreateUser', 'GetUser', 'SimulateCustomPolicy'];
    for (let i = 0; i < 400; i++) {
      const parts: string[] = [`Action=${pick(['CreateUser', 'ListUsers', 'GetUser', 'SimulateCustomPolicy', 'CreateLoginProfile', '', '%ff'])}`];
      const n = Math.floor(rand() * 8);
      for (let j = 0; j < n; j++) {
        const raw = rand() < 0.8;
        const name = pick(names);
        const value = pick(values);
        parts.push(raw ? `${name}=${value}` : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      }
      const body = rand() < 0.1 ? String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(rand() * 256))) : parts.join('&');
      const r = await call(body);
      assert.ok(r.status < 500 || r.status === 501, `${r.status} for ${JSON.stringify(body)}: ${r.body}`);
      assert.match(r.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<(\w+Response|ErrorResponse) xmlns=/);
    }
  });
});
