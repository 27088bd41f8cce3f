/**
 * The trail wizard's form: its state, the checks made before any call (CloudTrail's trail name
 * rules, S3's bucket name rules), and the translation both ways between the form and the
 * CreateTrail/UpdateTrail input and the event selectors PutEventSelectors takes.
 */
import type { AdvancedEventSelector, DataResource, EventSelector, FieldSelector, Operator, ReadWriteType, Selectors, Trail } from './trail-api.js';
import { OPERATORS } from './trail-api.js';

export type ManagementEvents = ReadWriteType | 'None';

export interface AdvancedRow {
  field: string;
  operator: Operator;
  /** Comma-separated values. */
  value: string;
}

export interface AdvancedSelectorForm {
  name: string;
  rows: AdvancedRow[];
}

export interface TrailForm {
  name: string;
  bucketMode: 'existing' | 'new';
  bucket: string;
  newBucket: string;
  prefix: string;
  multiRegion: boolean;
  validation: boolean;
  kmsKeyId: string;
  management: ManagementEvents;
  excludeKms: boolean;
  selectorMode: 'basic' | 'advanced';
  s3Data: 'none' | 'all' | 'buckets';
  /** Bucket names, comma- or space-separated, for s3Data 'buckets'. */
  s3Buckets: string;
  lambdaData: boolean;
  /** Data event selectors of the advanced mode (management events come from the fields above). */
  advanced: AdvancedSelectorForm[];
}

export const ADVANCED_FIELDS = ['eventCategory', 'resources.type', 'readOnly', 'eventName', 'eventSource', 'resources.ARN', 'eventType', 'userIdentity.arn'] as const;

export function newTrailForm(): TrailForm {
  return {
    name: '',
    bucketMode: 'new',
    bucket: '',
    newBucket: '',
    prefix: '',
    multiRegion: true,
    validation: true,
    kmsKeyId: '',
    management: 'All',
    excludeKms: false,
    selectorMode: 'basic',
    s3Data: 'none',
    s3Buckets: '',
    lambdaData: false,
    advanced: [],
  };
}

export function newAdvancedSelector(): AdvancedSelectorForm {
  return {
    name: '',
    rows: [
      { field: 'eventCategory', operator: 'Equals', value: 'Data' },
      { field: 'resources.type', operator: 'Equals', value: 'AWS::S3::Object' },
    ],
  };
}

/** CloudTrail's rules for a trail name (CreateTrail's InvalidTrailNameException), as a message or null. */
export function trailNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 128) return 'Trail name must be 3 to 128 characters long.';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return 'Trail name may contain only letters, numbers, periods (.), underscores (_) and dashes (-).';
  if (!/^[A-Za-z0-9].*[A-Za-z0-9]$/.test(name)) return 'Trail name must start and end with a letter or number.';
  if (/[._-]{2}/.test(name)) return 'Trail name must not have adjacent periods, underscores or dashes (such as "my-_trail").';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'Trail name must not be formatted as an IP address.';
  return null;
}

export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return 'Bucket name must be 3 to 63 characters long.';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'Bucket name may contain only lowercase letters, numbers, periods and dashes, and must start and end with a letter or number.';
  if (name.includes('..')) return 'Bucket name must not have adjacent periods.';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'Bucket name must not be formatted as an IP address.';
  return null;
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

/** Problems keyed by field, checked before any call; empty when the form can be sent. */
export function formProblems(form: TrailForm, editing: boolean): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!editing) {
    const name = trailNameProblem(form.name);
    if (name) problems.name = name;
  }
  if (form.bucketMode === 'new') {
    const bucket = bucketNameProblem(form.newBucket);
    if (bucket) problems.newBucket = bucket;
  } else if (form.bucket === '') problems.bucket = 'Choose a bucket.';
  if (form.prefix.length > 200) problems.prefix = 'Prefix must be at most 200 characters.';
  if (form.selectorMode === 'basic' && form.s3Data === 'buckets') {
    const bad = splitList(form.s3Buckets).find((b) => bucketNameProblem(b) !== null);
    if (splitList(form.s3Buckets).length === 0) problems.s3Buckets = 'Name at least one bucket.';
    else if (bad !== undefined) problems.s3Buckets = `"${bad}" is not a valid bucket name.`;
  }
  if (form.selectorMode === 'advanced') {
    form.advanced.forEach((sel, i) => {
      if (sel.rows.some((r) => splitList(r.value).length === 0)) problems[`advanced${i}`] = 'Every field condition needs a value.';
    });
  }
  return problems;
}

export function bucketOf(form: TrailForm): string {
  return form.bucketMode === 'new' ? form.newBucket : form.bucket;
}

/** CreateTrail / UpdateTrail members the wizard sets. */
export function trailSettings(form: TrailForm, editing: boolean): Record<string, unknown> {
  return {
    Name: form.name,
    S3BucketName: bucketOf(form),
    // UpdateTrail clears a prefix or key given as ''; CreateTrail wants them left out instead.
    ...(form.prefix !== '' || editing ? { S3KeyPrefix: form.prefix } : {}),
    ...(form.kmsKeyId !== '' || editing ? { KmsKeyId: form.kmsKeyId } : {}),
    IsMultiRegionTrail: form.multiRegion,
    EnableLogFileValidation: form.validation,
    ...(editing ? {} : { IncludeGlobalServiceEvents: true }),
  };
}

const KMS = 'kms.amazonaws.com';

function basicSelectors(form: TrailForm): EventSelector[] {
  const selectors: EventSelector[] = [];
  if (form.management !== 'None') {
    selectors.push({
      ReadWriteType: form.management,
      IncludeManagementEvents: true,
      DataResources: [],
      ExcludeManagementEventSources: form.excludeKms ? [KMS] : [],
    });
  }
  const data: DataResource[] = [];
  if (form.s3Data === 'all') data.push({ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] });
  if (form.s3Data === 'buckets') data.push({ Type: 'AWS::S3::Object', Values: splitList(form.s3Buckets).map((b) => `arn:aws:s3:::${b}/`) });
  if (form.lambdaData) data.push({ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] });
  if (data.length > 0) selectors.push({ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: data });
  // No management and no data events: one selector that selects nothing, as the AWS console sends.
  if (selectors.length === 0) selectors.push({ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [] });
  return selectors;
}

function managementSelector(form: TrailForm): AdvancedEventSelector | undefined {
  if (form.management === 'None') return undefined;
  const fields: FieldSelector[] = [{ Field: 'eventCategory', Equals: ['Management'] }];
  if (form.management !== 'All') fields.push({ Field: 'readOnly', Equals: [String(form.management === 'ReadOnly')] });
  if (form.excludeKms) fields.push({ Field: 'eventSource', NotEquals: [KMS] });
  return { Name: 'Management events selector', FieldSelectors: fields };
}

function advancedSelectors(form: TrailForm): AdvancedEventSelector[] {
  const management = managementSelector(form);
  const data = form.advanced.map((sel, i) => {
    // One field selector per field: rows naming the same field merge their operators.
    const byField = new Map<string, FieldSelector>();
    for (const row of sel.rows) {
      const fs = byField.get(row.field) ?? { Field: row.field };
      fs[row.operator] = [...(fs[row.operator] ?? []), ...splitList(row.value)];
      byField.set(row.field, fs);
    }
    return { Name: sel.name || `Data events selector ${i + 1}`, FieldSelectors: [...byField.values()] };
  });
  return [...(management ? [management] : []), ...data];
}

export function selectorsInput(form: TrailForm): Selectors {
  if (form.selectorMode === 'advanced') return { AdvancedEventSelectors: advancedSelectors(form) };
  return { EventSelectors: basicSelectors(form) };
}

function isManagementSelector(sel: AdvancedEventSelector): boolean {
  return sel.FieldSelectors.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management'));
}

function fromAdvanced(form: TrailForm, selectors: AdvancedEventSelector[]): TrailForm {
  const management = selectors.find(isManagementSelector);
  const readOnly = management?.FieldSelectors.find((f) => f.Field === 'readOnly')?.Equals?.[0];
  return {
    ...form,
    selectorMode: 'advanced',
    management: !management ? 'None' : readOnly === 'true' ? 'ReadOnly' : readOnly === 'false' ? 'WriteOnly' : 'All',
    excludeKms: management?.FieldSelectors.some((f) => f.Field === 'eventSource' && f.NotEquals?.includes(KMS)) ?? false,
    advanced: selectors
      .filter((s) => s !== management)
      .map((s) => ({
        name: s.Name ?? '',
        rows: s.FieldSelectors.flatMap((f) =>
          OPERATORS.filter((op) => f[op] !== undefined).map((op) => ({ field: f.Field, operator: op, value: (f[op] ?? []).join(', ') })),
        ),
      })),
  };
}

function fromBasic(form: TrailForm, selectors: EventSelector[]): TrailForm {
  const management = selectors.find((s) => s.IncludeManagementEvents !== false);
  const resources = selectors.flatMap((s) => s.DataResources ?? []);
  const s3 = resources.filter((r) => r.Type === 'AWS::S3::Object').flatMap((r) => r.Values);
  const allS3 = s3.some((v) => v === 'arn:aws:s3' || v === 'arn:aws:s3:::');
  return {
    ...form,
    selectorMode: 'basic',
    management: management ? (management.ReadWriteType ?? 'All') : 'None',
    excludeKms: management?.ExcludeManagementEventSources?.includes(KMS) ?? false,
    s3Data: allS3 ? 'all' : s3.length > 0 ? 'buckets' : 'none',
    s3Buckets: allS3 ? '' : s3.map((v) => v.replace(/^arn:aws:s3:::/, '').replace(/\/.*$/, '')).join(', '),
    lambdaData: resources.some((r) => r.Type === 'AWS::Lambda::Function'),
  };
}

/** The form prefilled from an existing trail and its selectors, for Edit. */
export function formFromTrail(trail: Trail, selectors: Selectors): TrailForm {
  const base: TrailForm = {
    ...newTrailForm(),
    name: trail.Name,
    bucketMode: 'existing',
    bucket: trail.S3BucketName,
    prefix: trail.S3KeyPrefix ?? '',
    multiRegion: trail.IsMultiRegionTrail ?? false,
    validation: trail.LogFileValidationEnabled ?? false,
    kmsKeyId: trail.KmsKeyId ?? '',
  };
  if (selectors.AdvancedEventSelectors?.length) return fromAdvanced(base, selectors.AdvancedEventSelectors);
  return fromBasic(base, selectors.EventSelectors ?? []);
}
