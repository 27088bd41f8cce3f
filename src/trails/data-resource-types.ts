/**
 * The catalogue of data-event resource types (reference §6.1, §6.3, §11.2): which `resources.type`
 * values selectors accept, which of them basic selectors accept, and the ARN shape a
 * `resources.ARN` Equals/NotEquals value (or a basic `DataResources.Values` entry) must have.
 * AWS keeps adding types, so this is data: add a row, nothing else changes.
 */

const PARTITION = 'aws(?:-[a-z]+)*';
const PARTITION_RE = new RegExp(`^${PARTITION}$`);
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const ACCOUNT = '\\d{12}';
/** S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens. */
const BUCKET = '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';

export interface DataResourceType {
  type: string;
  /** True when basic `EventSelectors.DataResources` may use the type. */
  basic: boolean;
  /** Service part of the ARN; `arn:<partition>:<service>` alone selects every resource (basic only). */
  service: string;
  /** A valid ARN of one resource (or, for S3 objects, one object-key prefix). */
  arn: RegExp;
  /** Basic selectors: values are ARN prefixes (S3) rather than exact ARNs (everything else). */
  prefixMatch?: boolean;
}

/** `arn:<partition>:<service>:<rest>` with `rest` given as a regular-expression source. */
function arnShape(service: string, rest: string): RegExp {
  return new RegExp(`^arn:${PARTITION}:${service}:${rest}$`);
}

const ANY_NAME = '[^/:\\s*]+';

export const DATA_RESOURCE_TYPES: readonly DataResourceType[] = [
  // The bucket must be followed by '/': `arn:aws:s3:::bucket` without it is rejected by AWS.
  { type: 'AWS::S3::Object', basic: true, service: 's3', arn: arnShape('s3', `::${BUCKET}/.*`), prefixMatch: true },
  {
    type: 'AWS::Lambda::Function',
    basic: true,
    service: 'lambda',
    arn: arnShape('lambda', `${REGION}:${ACCOUNT}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?`),
  },
  { type: 'AWS::DynamoDB::Table', basic: true, service: 'dynamodb', arn: arnShape('dynamodb', `${REGION}:${ACCOUNT}:table/[A-Za-z0-9_.-]{3,255}`) },
  {
    type: 'AWS::DynamoDB::Stream',
    basic: false,
    service: 'dynamodb',
    arn: arnShape('dynamodb', `${REGION}:${ACCOUNT}:table/[A-Za-z0-9_.-]{3,255}/stream/[^/\\s]+`),
  },
  {
    type: 'AWS::S3::AccessPoint',
    basic: false,
    service: 's3',
    arn: arnShape('s3', `${REGION}:${ACCOUNT}:accesspoint/[a-z0-9-]{3,50}(?:/object/.*)?`),
  },
  { type: 'AWS::S3ObjectLambda::AccessPoint', basic: false, service: 's3-object-lambda', arn: arnShape('s3-object-lambda', `${REGION}:${ACCOUNT}:accesspoint/[a-z0-9-]{3,45}`) },
  { type: 'AWS::S3Outposts::Object', basic: false, service: 's3-outposts', arn: arnShape('s3-outposts', `${REGION}:${ACCOUNT}:.+`) },
  { type: 'AWS::S3Express::Object', basic: false, service: 's3express', arn: arnShape('s3express', `${REGION}:${ACCOUNT}:bucket/${ANY_NAME}(?:/.*)?`) },
  { type: 'AWS::ManagedBlockchain::Node', basic: false, service: 'managedblockchain', arn: arnShape('managedblockchain', `${REGION}:${ACCOUNT}:nodes/${ANY_NAME}`) },
  { type: 'AWS::EC2::Snapshot', basic: false, service: 'ec2', arn: arnShape('ec2', `${REGION}::snapshot/snap-[0-9a-f]+`) },
  { type: 'AWS::Glue::Table', basic: false, service: 'glue', arn: arnShape('glue', `${REGION}:${ACCOUNT}:table/${ANY_NAME}/${ANY_NAME}`) },
  { type: 'AWS::CloudTrail::Channel', basic: false, service: 'cloudtrail', arn: arnShape('cloudtrail', `${REGION}:${ACCOUNT}:channel/${ANY_NAME}`) },
  { type: 'AWS::Cognito::IdentityPool', basic: false, service: 'cognito-identity', arn: arnShape('cognito-identity', `${REGION}:${ACCOUNT}:identitypool/${ANY_NAME}`) },
  { type: 'AWS::GuardDuty::Detector', basic: false, service: 'guardduty', arn: arnShape('guardduty', `${REGION}:${ACCOUNT}:detector/${ANY_NAME}`) },
  { type: 'AWS::FinSpace::Environment', basic: false, service: 'finspace', arn: arnShape('finspace', `${REGION}:${ACCOUNT}:environment/${ANY_NAME}`) },
  {
    type: 'AWS::KendraRanking::ExecutionPlan',
    basic: false,
    service: 'kendra-ranking',
    arn: arnShape('kendra-ranking', `${REGION}:${ACCOUNT}:rescore-execution-plan/${ANY_NAME}`),
  },
  {
    type: 'AWS::SageMaker::ExperimentTrialComponent',
    basic: false,
    service: 'sagemaker',
    arn: arnShape('sagemaker', `${REGION}:${ACCOUNT}:experiment-trial-component/${ANY_NAME}`),
  },
  { type: 'AWS::SageMaker::FeatureGroup', basic: false, service: 'sagemaker', arn: arnShape('sagemaker', `${REGION}:${ACCOUNT}:feature-group/${ANY_NAME}`) },
];

const BY_TYPE: ReadonlyMap<string, DataResourceType> = new Map(DATA_RESOURCE_TYPES.map((t) => [t.type, t]));

export function dataResourceType(type: string): DataResourceType | undefined {
  return BY_TYPE.get(type);
}

/** True for the bare `arn:<partition>:<service>` value that selects every resource of the type. */
export function isTypeWideValue(t: DataResourceType, value: string): boolean {
  const parts = value.split(':');
  return parts.length === 3 && parts[0] === 'arn' && PARTITION_RE.test(parts[1] ?? '') && parts[2] === t.service;
}
