import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdvancedFieldSelector, EventSelector } from '../../src/services/cloudtrail/generated/model.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import {
  DEFAULT_SELECTORS,
  compileSelectors,
  logsManagementEvents,
  selects,
  type TrailSelectors,
} from '../../src/trails/selectors.js';
import { ACCOUNT, dataEvent, record, s3Object } from '../helpers/records.js';

const LAMBDA = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:helloworld`;
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;

const mgmtRead = record({ eventName: 'DescribeInstances', readOnly: true });
const mgmtWrite = record();
const consoleLogin = record({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', readOnly: undefined, eventType: 'AwsConsoleSignIn' });
const kmsDecrypt = record({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true });
const getObject = s3Object('logs-bucket', 'logs/2024/a.txt');
const putObject = s3Object('logs-bucket', 'logs/2024/a.txt', 'PutObject');
const otherBucket = s3Object('other-bucket', 'x');
const invoke = dataEvent('AWS::Lambda::Function', LAMBDA, 'Invoke', false);
const invoke2 = dataEvent('AWS::Lambda::Function', `${LAMBDA}2`, 'Invoke', false);
const getItem = dataEvent('AWS::DynamoDB::Table', TABLE, 'GetItem', true);
const network = record({
  eventSource: 'kms.amazonaws.com',
  eventName: 'ListKeys',
  eventType: 'AwsVpceEvent',
  eventCategory: 'NetworkActivity',
  managementEvent: false,
  errorCode: 'VpceAccessDenied',
  vpcEndpointId: 'vpce-0123',
});
const insight = record({ eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', managementEvent: undefined });

const basic = (...selectors: EventSelector[]): TrailSelectors => ({ kind: 'basic', selectors });
const s3Selector = (...values: string[]): EventSelector => ({ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: values }] });
const s3 = (...values: string[]): TrailSelectors => basic(s3Selector(...values));
const advanced = (...selectors: AdvancedFieldSelector[][]): TrailSelectors => ({
  kind: 'advanced',
  selectors: selectors.map((FieldSelectors) => ({ FieldSelectors })),
});

function check(sel: TrailSelectors, cases: [string, CloudTrailRecord, boolean][]): void {
  const compiled = compileSelectors(sel);
  for (const [name, r, want] of cases) {
    assert.equal(selects(sel, r), want, `${name}: selects`);
    assert.equal(compiled(r), want, `${name}: compiled`);
  }
}

describe('basic selectors', () => {
  test('the default logs every management event and nothing else', () => {
    check(DEFAULT_SELECTORS, [
      ['read', mgmtRead, true],
      ['write', mgmtWrite, true],
      ['console sign-in', consoleLogin, true],
      ['S3 data', getObject, false],
      ['network activity', network, false],
      ['insight', insight, false],
    ]);
    assert.ok(Object.isFrozen(DEFAULT_SELECTORS));
    assert.ok(Object.isFrozen(DEFAULT_SELECTORS.selectors[0]));
  });

  test('ReadWriteType filters management and data events; a record without readOnly is a write', () => {
    const all = { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] };
    check(basic({ ...all, ReadWriteType: 'ReadOnly' }), [
      ['mgmt read', mgmtRead, true], ['mgmt write', mgmtWrite, false], ['console', consoleLogin, false],
      ['data read', getObject, true], ['data write', putObject, false],
    ]);
    check(basic({ ...all, ReadWriteType: 'WriteOnly' }), [
      ['mgmt read', mgmtRead, false], ['mgmt write', mgmtWrite, true], ['console', consoleLogin, true],
      ['data read', getObject, false], ['data write', putObject, true],
    ]);
  });

  test('IncludeManagementEvents false drops management events', () => {
    check(s3('arn:aws:s3'), [['mgmt', mgmtWrite, false], ['data', getObject, true]]);
  });

  test('ExcludeManagementEventSources drops those sources only', () => {
    check(basic({ ExcludeManagementEventSources: ['kms.amazonaws.com'] }), [['kms', kmsDecrypt, false], ['ec2', mgmtRead, true]]);
  });

  test('S3 values are string prefixes of the object ARN; arn:aws:s3 is every object', () => {
    check(s3('arn:aws:s3'), [['any bucket', otherBucket, true], ['lambda', invoke, false]]);
    check(s3('arn:aws:s3:::logs-bucket/'), [['in bucket', getObject, true], ['other bucket', otherBucket, false]]);
    check(s3('arn:aws:s3:::logs-bucket/logs'), [
      ['under prefix', getObject, true],
      ['string prefix, not folder', s3Object('logs-bucket', 'logs2/x'), true],
      ['outside prefix', s3Object('logs-bucket', 'data/x'), false],
      // The bucket resource (arn:aws:s3:::logs-bucket) is not an object and never matches.
      ['bucket ARN only', s3Object('logs-bucket', 'other'), false],
    ]);
    const list = record({ eventSource: 's3.amazonaws.com', eventName: 'ListObjects', readOnly: true, managementEvent: false, eventCategory: 'Data',
      resources: [{ type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::logs-bucket/logs/' }] });
    check(s3('arn:aws:s3:::logs-bucket/'), [['list with ARNPrefix', list, true]]);
  });

  test('Lambda and DynamoDB values are exact ARNs; the bare service prefix is every resource', () => {
    const lambda = (v: string) => basic({ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::Lambda::Function', Values: [v] }] });
    check(lambda(LAMBDA), [['exact', invoke, true], ['longer name', invoke2, false], ['s3', getObject, false]]);
    check(lambda('arn:aws:lambda'), [['any', invoke2, true]]);
    const ddb = (v: string) => basic({ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: [v] }] });
    check(ddb(TABLE), [['exact', getItem, true], ['other table', dataEvent('AWS::DynamoDB::Table', `${TABLE}2`, 'GetItem', true), false]]);
    check(ddb('arn:aws:dynamodb'), [['any', getItem, true], ['lambda', invoke, false]]);
  });

  test('selectors are ORed', () => {
    check(basic({ ReadWriteType: 'ReadOnly' }, s3Selector('arn:aws:s3:::other-bucket/')), [
      ['first', mgmtRead, true], ['second', otherBucket, true], ['neither', mgmtWrite, false],
    ]);
  });
});

describe('advanced selectors', () => {
  const mgmt: AdvancedFieldSelector = { Field: 'eventCategory', Equals: ['Management'] };
  const data: AdvancedFieldSelector = { Field: 'eventCategory', Equals: ['Data'] };
  const s3Type: AdvancedFieldSelector = { Field: 'resources.type', Equals: ['AWS::S3::Object'] };

  test('eventCategory selects by category; Insights records are never selected', () => {
    check(advanced([mgmt]), [['mgmt', mgmtRead, true], ['data', getObject, false], ['insight', insight, false]]);
    check(advanced([{ Field: 'eventCategory', Equals: ['NetworkActivity'] }]), [['network', network, true], ['mgmt', mgmtRead, false]]);
    check(advanced([{ Field: 'eventCategory', Equals: ['Insight'] }]), [['insight', insight, false]]);
  });

  test('readOnly', () => {
    check(advanced([mgmt, { Field: 'readOnly', Equals: ['true'] }]), [['read', mgmtRead, true], ['write', mgmtWrite, false], ['console', consoleLogin, false]]);
    check(advanced([mgmt, { Field: 'readOnly', Equals: ['false'] }]), [['read', mgmtRead, false], ['write', mgmtWrite, true], ['console', consoleLogin, true]]);
  });

  // Every operator on a scalar field (eventName of an S3 GetObject record).
  const operatorCases: [AdvancedFieldSelector, boolean][] = [
    [{ Field: 'eventName', Equals: ['GetObject', 'PutObject'] }, true],
    [{ Field: 'eventName', Equals: ['PutObject'] }, false],
    [{ Field: 'eventName', StartsWith: ['Get'] }, true],
    [{ Field: 'eventName', StartsWith: ['Put'] }, false],
    [{ Field: 'eventName', EndsWith: ['Object'] }, true],
    [{ Field: 'eventName', EndsWith: ['Acl'] }, false],
    [{ Field: 'eventName', NotEquals: ['GetObject'] }, false],
    [{ Field: 'eventName', NotEquals: ['PutObject', 'DeleteObject'] }, true],
    [{ Field: 'eventName', NotStartsWith: ['Get'] }, false],
    [{ Field: 'eventName', NotStartsWith: ['Put'] }, true],
    [{ Field: 'eventName', NotEndsWith: ['Object'] }, false],
    [{ Field: 'eventName', NotEndsWith: ['Acl'] }, true],
    // Several operators: (any positive) AND (no negative) (§14 item 13).
    [{ Field: 'eventName', StartsWith: ['Get'], NotEquals: ['GetObject'] }, false],
    [{ Field: 'eventName', StartsWith: ['Put'], EndsWith: ['Object'] }, true],
    [{ Field: 'eventName', StartsWith: ['Get'], NotEndsWith: ['Acl'] }, true],
  ];
  for (const [field, want] of operatorCases) {
    test(`operator ${JSON.stringify(field)} → ${want}`, () => check(advanced([data, s3Type, field]), [['GetObject', getObject, want]]));
  }

  test('resources.type and resources.ARN look only at resources of the selected type', () => {
    const bucketArn = 'arn:aws:s3:::logs-bucket';
    check(advanced([data, s3Type]), [['s3', getObject, true], ['lambda', invoke, false], ['mgmt', mgmtWrite, false]]);
    const arn = (f: Omit<AdvancedFieldSelector, 'Field'>) => advanced([data, s3Type, { Field: 'resources.ARN', ...f }]);
    check(arn({ Equals: ['arn:aws:s3:::logs-bucket/logs/2024/a.txt'] }), [['equal', getObject, true], ['other', otherBucket, false]]);
    // The bucket resource has exactly this ARN but is not an AWS::S3::Object.
    check(arn({ Equals: [bucketArn] }), [['bucket ARN', getObject, false]]);
    check(arn({ StartsWith: ['arn:aws:s3:::logs-bucket/'] }), [['in bucket', getObject, true], ['other', otherBucket, false]]);
    check(arn({ EndsWith: ['.txt'] }), [['suffix', getObject, true], ['other', otherBucket, false]]);
    check(arn({ NotEquals: ['arn:aws:s3:::logs-bucket/logs/2024/a.txt'] }), [['equal', getObject, false], ['other', otherBucket, true]]);
    // Were the bucket resource considered, it would satisfy NotStartsWith and select the event.
    check(arn({ NotStartsWith: ['arn:aws:s3:::logs-bucket/'] }), [['in bucket', getObject, false], ['other', otherBucket, true]]);
    check(arn({ NotEndsWith: ['.txt'] }), [['suffix', getObject, false], ['other', otherBucket, true]]);
    const lambdaSel = advanced([data, { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }, { Field: 'resources.ARN', Equals: [LAMBDA] }]);
    check(lambdaSel, [['exact', invoke, true], ['longer name', invoke2, false]]);
  });

  test('resources.ARN matches if any resource of the type satisfies it', () => {
    const multi = record({ eventSource: 's3.amazonaws.com', eventName: 'DeleteObjects', readOnly: false, managementEvent: false, eventCategory: 'Data',
      resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b/keep/1' }, { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b/tmp/2' }] });
    check(advanced([data, s3Type, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::b/tmp/'] }]), [['one of two', multi, true]]);
  });

  test('eventSource, eventType, userIdentity.arn and sessionCredentialFromConsole', () => {
    check(advanced([mgmt, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }]), [['kms', kmsDecrypt, false], ['ec2', mgmtRead, true]]);
    check(advanced([data, s3Type, { Field: 'eventType', Equals: ['AwsApiCall'] }]), [['api call', getObject, true]]);
    check(advanced([data, s3Type, { Field: 'eventType', NotEquals: ['AwsApiCall'] }]), [['api call', getObject, false]]);
    const alice = advanced([data, s3Type, { Field: 'userIdentity.arn', EndsWith: [':user/alice'] }]);
    const bob = s3Object('logs-bucket', 'k', 'GetObject', { userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/bob` } });
    const anonymous = s3Object('logs-bucket', 'k', 'GetObject', { userIdentity: { type: 'AWSAccount' } });
    check(alice, [['alice', getObject, true], ['bob', bob, false], ['no arn', anonymous, false]]);
    check(advanced([data, s3Type, { Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:iam::999'] }]), [['no arn', anonymous, true]]);
    const fromConsole = s3Object('logs-bucket', 'k', 'GetObject', { sessionCredentialFromConsole: 'true' });
    check(advanced([data, s3Type, { Field: 'sessionCredentialFromConsole', Equals: ['true'] }]), [['console', fromConsole, true], ['cli', getObject, false]]);
    check(advanced([data, s3Type, { Field: 'sessionCredentialFromConsole', Equals: ['false'] }]), [['console', fromConsole, false], ['cli', getObject, true]]);
  });

  test('network activity: eventSource, eventName, errorCode, vpcEndpointId', () => {
    const na: AdvancedFieldSelector = { Field: 'eventCategory', Equals: ['NetworkActivity'] };
    const kms: AdvancedFieldSelector = { Field: 'eventSource', Equals: ['kms.amazonaws.com'] };
    const allowed = record({ ...network, errorCode: undefined, vpcEndpointId: undefined } as Partial<CloudTrailRecord>);
    check(advanced([na, kms]), [['kms', network, true]]);
    check(advanced([na, { Field: 'eventSource', Equals: ['ec2.amazonaws.com'] }]), [['kms', network, false]]);
    check(advanced([na, kms, { Field: 'eventName', Equals: ['ListKeys'] }]), [['name', network, true]]);
    check(advanced([na, kms, { Field: 'errorCode', Equals: ['VpceAccessDenied'] }]), [['denied', network, true], ['allowed', allowed, false]]);
    check(advanced([na, kms, { Field: 'vpcEndpointId', Equals: ['vpce-0123'] }]), [['vpce', network, true]]);
    check(advanced([na, kms, { Field: 'vpcEndpointId', StartsWith: ['vpce-9'] }]), [['vpce', network, false]]);
    // A missing field fails positive operators and passes negative ones.
    check(advanced([na, kms, { Field: 'vpcEndpointId', NotEquals: ['vpce-9'] }]), [['absent', allowed, true]]);
    check(advanced([na, kms, { Field: 'vpcEndpointId', EndsWith: ['0123'] }]), [['absent', allowed, false]]);
  });

  test('fields are ANDed within a selector and selectors ORed', () => {
    const sel = advanced([mgmt, { Field: 'readOnly', Equals: ['false'] }], [data, s3Type, { Field: 'eventName', Equals: ['PutObject'] }]);
    check(sel, [['mgmt write', mgmtWrite, true], ['mgmt read', mgmtRead, false], ['put', putObject, true], ['get', getObject, false]]);
  });

  test('an unknown stored field selects nothing', () => {
    check(advanced([mgmt, { Field: 'constructor', Equals: ['x'] }]), [['mgmt', mgmtWrite, false]]);
  });
});

describe('logsManagementEvents', () => {
  const cases: [string, TrailSelectors, { read: boolean; write: boolean }][] = [
    ['default', DEFAULT_SELECTORS, { read: true, write: true }],
    ['ReadOnly', basic({ ReadWriteType: 'ReadOnly' }), { read: true, write: false }],
    ['WriteOnly', basic({ ReadWriteType: 'WriteOnly' }), { read: false, write: true }],
    ['data only', s3('arn:aws:s3'), { read: false, write: false }],
    ['union', basic({ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }), { read: true, write: true }],
    ['advanced management', advanced([{ Field: 'eventCategory', Equals: ['Management'] }]), { read: true, write: true }],
    ['advanced read', advanced([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }]), { read: true, write: false }],
    ['advanced write', advanced([{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }]), { read: false, write: true }],
    ['advanced data', advanced([{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }]), { read: false, write: false }],
  ];
  for (const [name, sel, want] of cases) test(name, () => assert.deepEqual(logsManagementEvents(sel), want));
});
