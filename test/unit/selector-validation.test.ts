import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/aws/errors.js';
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector, InsightSelector } from '../../src/services/cloudtrail/generated/model.js';
import { validateEventSelectorsInput } from '../../src/trails/selector-validation.js';
import { validateInsightSelectors } from '../../src/trails/insight-validation.js';
import { DEFAULT_SELECTORS, type TrailSelectors } from '../../src/trails/selectors.js';

const ACCT = '123456789012';
type Input = Parameters<typeof validateEventSelectorsInput>[0];

function rejects(input: Input, message: RegExp): void {
  assert.throws(
    () => validateEventSelectorsInput(input),
    (e: unknown) => e instanceof AwsError && e.code === 'InvalidEventSelectorsException' && e.status === 400 && message.test(e.message),
  );
}

const dr = (Type: string, ...Values: string[]): EventSelector => ({ DataResources: [{ Type, Values }] });
const adv = (...fields: AdvancedFieldSelector[]): Input => ({ AdvancedEventSelectors: [{ FieldSelectors: fields }] });
const cat = (c: string): AdvancedFieldSelector => ({ Field: 'eventCategory', Equals: [c] });
const s3Type: AdvancedFieldSelector = { Field: 'resources.type', Equals: ['AWS::S3::Object'] };

describe('which kind', () => {
  test('both kinds or neither is rejected', () => {
    rejects({ EventSelectors: [{}], AdvancedEventSelectors: [{ FieldSelectors: [cat('Management')] }] }, /either EventSelectors or AdvancedEventSelectors, not both/);
    rejects({}, /Specify EventSelectors or AdvancedEventSelectors/);
  });
});

describe('basic selectors', () => {
  test('defaults are filled in and the result is basic', () => {
    const out = validateEventSelectorsInput({ EventSelectors: [{}] });
    assert.deepEqual(out, DEFAULT_SELECTORS);
    const full: EventSelector = {
      ReadWriteType: 'WriteOnly',
      IncludeManagementEvents: false,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::my-bucket/', 'arn:aws:s3:::my-bucket/prefix'] }],
      ExcludeManagementEventSources: ['kms.amazonaws.com'],
    };
    assert.deepEqual(validateEventSelectorsInput({ EventSelectors: [full] }), { kind: 'basic', selectors: [full] });
  });

  test('valid values for every basic type', () => {
    const values: [string, string][] = [
      ['AWS::S3::Object', 'arn:aws:s3'],
      ['AWS::S3::Object', 'arn:aws:s3:::my.bucket-1/'],
      ['AWS::S3::Object', 'arn:aws:s3:::my-bucket/some/key'],
      ['AWS::Lambda::Function', 'arn:aws:lambda'],
      ['AWS::Lambda::Function', `arn:aws:lambda:us-east-1:${ACCT}:function:hello_world-1`],
      ['AWS::DynamoDB::Table', 'arn:aws:dynamodb'],
      ['AWS::DynamoDB::Table', `arn:aws:dynamodb:eu-west-1:${ACCT}:table/Orders.v2`],
    ];
    for (const [type, v] of values) assert.doesNotThrow(() => validateEventSelectorsInput({ EventSelectors: [dr(type, v)] }), `${type} ${v}`);
  });

  const failures: [string, EventSelector[], RegExp][] = [
    ['no selector', [], /between 1 and 5 EventSelectors; 0/],
    ['six selectors', Array.from({ length: 6 }, () => ({})), /between 1 and 5 EventSelectors; 6/],
    ['ReadWriteType', [{ ReadWriteType: 'Sometimes' as EventSelector['ReadWriteType'] }], /^Value Sometimes for ReadWriteType is invalid/],
    ['exclusion', [{ ExcludeManagementEventSources: ['iam.amazonaws.com'] }], /^Value iam\.amazonaws\.com for ExcludeManagementEventSources is invalid/],
    ['nothing selected', [{ IncludeManagementEvents: false }], /When includeManagementEvents is false, DataResources must not be empty/],
    ['advanced-only type', [dr('AWS::S3::AccessPoint', 'arn:aws:s3')], /^Value AWS::S3::AccessPoint for DataResources\.Type is invalid.*AdvancedEventSelectors/],
    ['missing type', [{ DataResources: [{ Values: ['arn:aws:s3'] }] }], /^Value \(missing\) for DataResources\.Type is invalid/],
    ['s3 wildcard', [dr('AWS::S3::Object', 'arn:aws:s3:::*')], /^Value arn:aws:s3:::\* for DataResources\.Values is invalid\.$/],
    ['bucket without slash', [dr('AWS::S3::Object', 'arn:aws:s3:::data-bucket')], /^Value arn:aws:s3:::data-bucket for DataResources\.Values is invalid\.$/],
    ['bucket wildcard', [dr('AWS::S3::Object', 'arn:aws:s3:::cg-*/*')], /^Value arn:aws:s3:::cg-\*\/\* for DataResources\.Values is invalid\.$/],
    ['lambda wildcard', [dr('AWS::Lambda::Function', 'arn:aws:lambda:*')], /^Value arn:aws:lambda:\* for DataResources\.Values is invalid\.$/],
    ['lambda of wrong type', [dr('AWS::Lambda::Function', 'arn:aws:s3')], /^Value arn:aws:s3 for DataResources\.Values is invalid\.$/],
    ['dynamodb not a table', [dr('AWS::DynamoDB::Table', `arn:aws:dynamodb:us-east-1:${ACCT}:stream/x`)], /for DataResources\.Values is invalid/],
  ];
  for (const [name, selectors, message] of failures) test(`rejects ${name}`, () => rejects({ EventSelectors: selectors }, message));

  test('at most 250 data resource values, not counting select-all values', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${i}/`);
    assert.doesNotThrow(() => validateEventSelectorsInput({ EventSelectors: [dr('AWS::S3::Object', 'arn:aws:s3', ...many(250))] }));
    rejects({ EventSelectors: [dr('AWS::S3::Object', ...many(251))] }, /Specify a valid number of DataResources\.Values \(0 to 250\) for all your selectors/);
    rejects({ EventSelectors: [dr('AWS::S3::Object', ...many(150)), dr('AWS::S3::Object', ...many(101))] }, /0 to 250/);
  });
});

describe('advanced selectors', () => {
  test('valid selectors of each category are returned as given', () => {
    const selectors: AdvancedEventSelector[] = [
      { Name: 'mgmt', FieldSelectors: [cat('Management'), { Field: 'readOnly', Equals: ['false'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] }] },
      {
        FieldSelectors: [
          cat('Data'), s3Type,
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::my-bkt/'], NotEquals: ['arn:aws:s3:::my-bkt/secret/'] },
          { Field: 'eventName', NotStartsWith: ['Get'], EndsWith: ['Object'] },
          { Field: 'eventSource', Equals: ['s3.amazonaws.com'] },
          { Field: 'eventType', Equals: ['AwsApiCall'] },
          { Field: 'userIdentity.arn', NotEndsWith: [':root'] },
          { Field: 'sessionCredentialFromConsole', NotEquals: ['true'] },
        ],
      },
      {
        FieldSelectors: [cat('NetworkActivity'), { Field: 'eventSource', Equals: ['kms.amazonaws.com'] }, { Field: 'eventName', Equals: ['Decrypt'] },
          { Field: 'errorCode', Equals: ['VpceAccessDenied'] }, { Field: 'vpcEndpointId', NotEquals: ['vpce-1'] }],
      },
    ];
    assert.deepEqual(validateEventSelectorsInput({ AdvancedEventSelectors: selectors }), { kind: 'advanced', selectors });
  });

  test('resources.ARN Equals accepts a full ARN of each documented type', () => {
    const arns: [string, string][] = [
      ['AWS::S3::Object', 'arn:aws:s3:::bucket/'],
      ['AWS::S3::Object', 'arn:aws:s3:::bucket/path/'],
      ['AWS::S3::AccessPoint', `arn:aws:s3:us-east-1:${ACCT}:accesspoint/my-ap`],
      ['AWS::S3::AccessPoint', `arn:aws:s3:us-east-1:${ACCT}:accesspoint/my-ap/object/a/b`],
      ['AWS::Lambda::Function', `arn:aws:lambda:us-east-1:${ACCT}:function:fn`],
      ['AWS::DynamoDB::Table', `arn:aws:dynamodb:us-east-1:${ACCT}:table/t-1`],
      ['AWS::DynamoDB::Stream', `arn:aws:dynamodb:us-east-1:${ACCT}:table/t-1/stream/2024-01-01T00:00:00.000`],
      ['AWS::S3Outposts::Object', `arn:aws:s3-outposts:us-east-1:${ACCT}:outpost/op-1/bucket/b/object/k`],
      ['AWS::ManagedBlockchain::Node', `arn:aws:managedblockchain:us-east-1:${ACCT}:nodes/nd-1`],
      ['AWS::S3ObjectLambda::AccessPoint', `arn:aws:s3-object-lambda:us-east-1:${ACCT}:accesspoint/olap`],
      ['AWS::EC2::Snapshot', 'arn:aws:ec2:us-east-1::snapshot/snap-0abc'],
      ['AWS::Glue::Table', `arn:aws:glue:us-east-1:${ACCT}:table/db/tbl`],
      ['AWS::Lambda::Function', `arn:aws-cn:lambda:cn-north-1:${ACCT}:function:fn`],
    ];
    for (const [type, arn] of arns) {
      const input = adv(cat('Data'), { Field: 'resources.type', Equals: [type] }, { Field: 'resources.ARN', Equals: [arn] });
      assert.doesNotThrow(() => validateEventSelectorsInput(input), `${type} ${arn}`);
    }
  });

  const failures: [string, Input, RegExp][] = [
    ['empty list', { AdvancedEventSelectors: [] }, /at least one selector/],
    ['no field selectors', { AdvancedEventSelectors: [{ Name: 'x', FieldSelectors: [] }] }, /AdvancedEventSelectors\[0\] \(x\) must contain at least one field selector/],
    ['no eventCategory', adv({ Field: 'readOnly', Equals: ['true'] }), /exactly one eventCategory field selector/],
    ['two eventCategory', adv(cat('Management'), cat('Management')), /exactly one eventCategory/],
    ['two categories in one', adv({ Field: 'eventCategory', Equals: ['Management', 'Data'] }), /exactly one eventCategory/],
    ['unknown category', adv(cat('Insight')), /exactly one eventCategory.*Management, Data, NetworkActivity/],
    ['eventCategory NotEquals', adv({ Field: 'eventCategory', Equals: ['Management'], NotEquals: ['Data'] }), /field eventCategory supports only the Equals operator/],
    ['readOnly StartsWith', adv(cat('Management'), { Field: 'readOnly', StartsWith: ['t'] }), /field readOnly supports only the Equals operator/],
    ['readOnly value', adv(cat('Management'), { Field: 'readOnly', Equals: ['yes'] }), /value yes for field readOnly is invalid/],
    ['data without type', adv(cat('Data')), /exactly one resources\.type field selector/],
    ['two types', adv(cat('Data'), { Field: 'resources.type', Equals: ['AWS::S3::Object', 'AWS::Lambda::Function'] }), /exactly one resources\.type/],
    ['type twice', adv(cat('Data'), s3Type, s3Type), /exactly one resources\.type/],
    ['unknown type', adv(cat('Data'), { Field: 'resources.type', Equals: ['AWS::S3::Bucket'] }), /value AWS::S3::Bucket for field resources\.type is invalid/],
    ['type StartsWith', adv(cat('Data'), { Field: 'resources.type', Equals: ['AWS::S3::Object'], StartsWith: ['AWS'] }), /resources\.type supports only the Equals/],
    ['ARN Equals not an ARN', adv(cat('Data'), s3Type, { Field: 'resources.ARN', Equals: ['arn:aws:s3:::*'] }), /value arn:aws:s3:::\* for field resources\.ARN is invalid.*AWS::S3::Object/],
    ['ARN NotEquals wrong type', adv(cat('Data'), s3Type, { Field: 'resources.ARN', NotEquals: [`arn:aws:lambda:us-east-1:${ACCT}:function:f`] }), /resources\.ARN is invalid/],
    ['management eventName', adv(cat('Management'), { Field: 'eventName', Equals: ['X'] }), /field eventName is not supported for eventCategory Management/],
    ['management eventSource Equals', adv(cat('Management'), { Field: 'eventSource', Equals: ['kms.amazonaws.com'] }), /eventSource supports only the NotEquals/],
    ['management eventSource value', adv(cat('Management'), { Field: 'eventSource', NotEquals: ['iam.amazonaws.com'] }), /value iam\.amazonaws\.com for field eventSource is invalid/],
    ['unknown field', adv(cat('Data'), s3Type, { Field: 'bogus', Equals: ['x'] }), /field bogus is not supported for eventCategory Data/],
    ['prototype field', adv(cat('Data'), s3Type, { Field: 'constructor', Equals: ['x'] }), /field constructor is not supported/],
    ['data errorCode', adv(cat('Data'), s3Type, { Field: 'errorCode', Equals: ['VpceAccessDenied'] }), /field errorCode is not supported for eventCategory Data/],
    ['network without source', adv(cat('NetworkActivity')), /exactly one eventSource field selector/],
    ['network two sources', adv(cat('NetworkActivity'), { Field: 'eventSource', Equals: ['kms.amazonaws.com', 'ec2.amazonaws.com'] }), /exactly one eventSource/],
    ['network source', adv(cat('NetworkActivity'), { Field: 'eventSource', Equals: ['iam.amazonaws.com'] }), /value iam\.amazonaws\.com for field eventSource is invalid/],
    ['network errorCode', adv(cat('NetworkActivity'), { Field: 'eventSource', Equals: ['kms.amazonaws.com'] }, { Field: 'errorCode', Equals: ['AccessDenied'] }), /value AccessDenied for field errorCode/],
    ['network resources.type', adv(cat('NetworkActivity'), { Field: 'eventSource', Equals: ['kms.amazonaws.com'] }, s3Type), /resources\.type is not supported for eventCategory NetworkActivity/],
    ['console flag value', adv(cat('Data'), s3Type, { Field: 'sessionCredentialFromConsole', Equals: ['yes'] }), /value yes for field sessionCredentialFromConsole/],
    ['field without operator', adv(cat('Data'), s3Type, { Field: 'eventName' }), /field selector eventName must have at least one operator/],
    ['empty operator list', adv(cat('Data'), s3Type, { Field: 'eventName', Equals: [] }), /Equals for field eventName must contain at least one value/],
    ['empty value', adv(cat('Data'), s3Type, { Field: 'eventName', Equals: [''] }), /values for field eventName must not be empty/],
  ];
  for (const [name, input, message] of failures) test(`rejects ${name}`, () => rejects(input, message));

  test('at most 500 condition values and 250 resources.ARN values in total', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `Op${i}`);
    const selector = (n: number): AdvancedEventSelector => ({ FieldSelectors: [cat('Data'), s3Type, { Field: 'eventName', Equals: names(n) }] });
    assert.doesNotThrow(() => validateEventSelectorsInput({ AdvancedEventSelectors: [selector(248), selector(248)] }));
    rejects({ AdvancedEventSelectors: [selector(248), selector(249)] }, /at most 500 condition values in total; 501/);
    const arns = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::b/${i}`);
    rejects(adv(cat('Data'), s3Type, { Field: 'resources.ARN', StartsWith: arns(251) }), /at most 250 resources\.ARN values in total; 251/);
  });
});

describe('insight selectors', () => {
  const writeOnly: TrailSelectors = { kind: 'basic', selectors: [{ ReadWriteType: 'WriteOnly' }] };
  const readOnly: TrailSelectors = { kind: 'basic', selectors: [{ ReadWriteType: 'ReadOnly' }] };
  const dataOnly: TrailSelectors = { kind: 'basic', selectors: [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] };
  const both: InsightSelector[] = [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight' }];

  function rejectsInsight(selectors: InsightSelector[], trail: TrailSelectors, message: RegExp): void {
    assert.throws(
      () => validateInsightSelectors(selectors, trail),
      (e: unknown) => e instanceof AwsError && e.code === 'InvalidInsightSelectorsException' && message.test(e.message),
    );
  }

  test('valid selectors are returned; [] disables; duplicates merge', () => {
    assert.deepEqual(validateInsightSelectors(both, DEFAULT_SELECTORS), both);
    assert.deepEqual(validateInsightSelectors([], dataOnly), []);
    assert.deepEqual(validateInsightSelectors([{ InsightType: 'ApiErrorRateInsight' }], readOnly), [{ InsightType: 'ApiErrorRateInsight' }]);
    assert.deepEqual(
      validateInsightSelectors([{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiCallRateInsight', EventCategories: ['Data'] }], writeOnly),
      [{ InsightType: 'ApiCallRateInsight', EventCategories: ['Management', 'Data'] }],
    );
    assert.deepEqual(validateInsightSelectors([both[0]!, both[0]!], writeOnly), [both[0]]);
    // Insights on data events only do not need management events.
    assert.deepEqual(validateInsightSelectors([{ InsightType: 'ApiCallRateInsight', EventCategories: ['Data'] }], dataOnly), [
      { InsightType: 'ApiCallRateInsight', EventCategories: ['Data'] },
    ]);
  });

  test('rejections', () => {
    rejectsInsight([{ InsightType: 'ApiFooInsight' as InsightSelector['InsightType'] }], DEFAULT_SELECTORS, /InsightType ApiFooInsight is not valid/);
    rejectsInsight([{}], DEFAULT_SELECTORS, /InsightType \(missing\) is not valid/);
    rejectsInsight([{ InsightType: 'ApiCallRateInsight', EventCategories: ['Insight' as 'Data'] }], DEFAULT_SELECTORS, /EventCategories value Insight/);
    rejectsInsight([{ InsightType: 'ApiCallRateInsight' }], readOnly, /ApiCallRateInsight requires the trail to log write management events/);
    rejectsInsight([{ InsightType: 'ApiErrorRateInsight' }], dataOnly, /ApiErrorRateInsight requires the trail to log read or write management events/);
    const advancedWrite: TrailSelectors = { kind: 'advanced', selectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] }] };
    rejectsInsight([{ InsightType: 'ApiCallRateInsight' }], advancedWrite, /write management events/);
  });
});
