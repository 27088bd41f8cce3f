/**
 * The trail wizard (`#/trails/new`, and `#/trails/<name>/edit` prefilled): General details →
 * Choose log events → Review. Creating makes the bucket first when asked (with the bucket policy
 * CloudTrail needs), then CreateTrail, PutEventSelectors and StartLogging; editing runs
 * UpdateTrail and PutEventSelectors. A refused call is shown inline with the API's own message.
 */
import { useEffect, useState } from 'preact/hooks';
import { cloudtrail, s3, type SessionInfo } from '../api.js';
import { href, type PageProps } from '../router.js';
import { useRegion } from '../components/region.js';
import { listBuckets } from './buckets.js';
import { trailArn, trailDetails } from './trail-api.js';
import { cloudTrailBucketPolicy } from '../../../trails/bucket-policy-document.js';
import { EventsStep } from './trail-events.js';
import { bucketOf, formFromTrail, formProblems, newTrailForm, selectorsInput, trailSettings, type TrailForm } from './trail-form.js';
import { GeneralStep, ReviewStep } from './trail-steps.js';
import { ErrorAlert } from '../components/ui.js';
import './trails.css';

const STEPS = ['General details', 'Choose log events', 'Review'] as const;

/** Which fields each step owns, so Next only stops on that step's problems. */
const STEP_FIELDS: Array<(key: string) => boolean> = [
  (k) => ['name', 'bucket', 'newBucket', 'prefix'].includes(k),
  (k) => k === 's3Buckets' || k.startsWith('advanced'),
  () => true,
];

async function createBucket(session: SessionInfo, form: TrailForm, region: string): Promise<void> {
  const bucket = form.newBucket;
  // Outside us-east-1, S3 wants the region named in the body (as the AWS console sends it).
  const body =
    region === 'us-east-1'
      ? undefined
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
  await s3('PUT', bucket, '', {}, body, region);
  const policy = cloudTrailBucketPolicy({
    bucket,
    accountId: session.identity.accountId,
    trailArn: trailArn(region, session.identity.accountId, form.name),
    ...(form.prefix ? { prefix: form.prefix } : {}),
  });
  await s3('PUT', bucket, '', { policy: '' }, JSON.stringify(policy), region);
}

/** Runs the calls in order; a failure names the step it stopped at. */
async function save(session: SessionInfo, form: TrailForm, region: string, editing: boolean): Promise<void> {
  const step = async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (e) {
      throw Object.assign(e instanceof Error ? e : new Error(String(e)), { step: what });
    }
  };
  if (form.bucketMode === 'new') await step(`Creating bucket ${form.newBucket} failed.`, () => createBucket(session, form, region));
  if (editing) {
    await step('Updating the trail failed.', () => cloudtrail('UpdateTrail', trailSettings(form, true), region));
  } else {
    await step('Creating the trail failed.', () => cloudtrail('CreateTrail', trailSettings(form, false), region));
  }
  const after = editing ? '' : ' The trail was created but is not logging yet.';
  await step(`Saving the event selectors failed.${after}`, () => cloudtrail('PutEventSelectors', { TrailName: form.name, ...selectorsInput(form) }, region));
  if (!editing) await step(`Starting logging failed.${after}`, () => cloudtrail('StartLogging', { Name: form.name }, region));
}

export function TrailWizardPage({ session, route, navigate }: PageProps) {
  const region = useRegion();
  const editName = route.segments[2] === 'edit' ? route.segments[1] : undefined;
  const editing = editName !== undefined;
  const [form, setForm] = useState<TrailForm | null>(editing ? null : newTrailForm());
  const [buckets, setBuckets] = useState<string[] | null>(null);
  const [step, setStep] = useState(0);
  const [showProblems, setShowProblems] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<(Error & { step?: string }) | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    listBuckets().then(
      (list) => setBuckets(list.map((b) => b.name)),
      () => setBuckets([]),
    );
    if (editName !== undefined) {
      trailDetails(editName, region).then(
        (d) => setForm(formFromTrail(d.trail, d.selectors)),
        (e: unknown) => setLoadError(e),
      );
    }
  }, [editName, region]);

  const title = editing ? `Edit trail ${editName}` : 'Create trail';
  if (!form) {
    return (
      <div class="page">
        <div class="page-header">
          <h1>{title}</h1>
        </div>
        <ErrorAlert error={loadError} />
        {!loadError && <p class="muted">Loading trail…</p>}
      </div>
    );
  }

  const set = (patch: Partial<TrailForm>) => setForm({ ...form, ...patch });
  const allProblems = formProblems(form, editing);
  const problemsOf = (s: number) => Object.fromEntries(Object.entries(allProblems).filter(([k]) => STEP_FIELDS[s]?.(k)));
  const shown = showProblems ? problemsOf(step) : {};

  const next = () => {
    if (Object.keys(problemsOf(step)).length > 0) {
      setShowProblems(true);
      return;
    }
    setShowProblems(false);
    setStep(step + 1);
  };
  const submit = async () => {
    if (Object.keys(allProblems).length > 0) {
      setShowProblems(true);
      setStep(STEP_FIELDS.findIndex((owns) => Object.keys(allProblems).some(owns)));
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      await save(session, form, region, editing);
      navigate(href(['trails', form.name]));
    } catch (e) {
      setSaveError(e as Error & { step?: string });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="page trail-wizard">
      <div class="page-header">
        <h1>{title}</h1>
      </div>
      <ol class="wizard-steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} class={i === step ? 'current' : ''} aria-current={i === step ? 'step' : undefined}>
            Step {i + 1}: {s}
          </li>
        ))}
      </ol>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (step < STEPS.length - 1) next();
          else void submit();
        }}
        noValidate
      >
        {step === 0 && <GeneralStep form={form} set={set} problems={shown} buckets={buckets} editing={editing} region={region} />}
        {step === 1 && <EventsStep form={form} set={set} problems={shown} />}
        {step === 2 && <ReviewStep form={form} region={region} editing={editing} />}
        {saveError && <ErrorAlert error={saveError} title={saveError.step} />}
        <div class="toolbar wizard-actions">
          <button type="button" class="btn" onClick={() => navigate(editing ? href(['trails', form.name]) : href(['trails']))}>
            Cancel
          </button>
          {step > 0 && (
            <button type="button" class="btn" onClick={() => setStep(step - 1)}>
              Previous
            </button>
          )}
          {step < STEPS.length - 1 ? (
            <button type="submit" class="btn primary">
              Next
            </button>
          ) : (
            <button type="submit" class="btn primary" disabled={saving}>
              {saving ? 'Saving…' : editing ? 'Save changes' : 'Create trail'}
            </button>
          )}
        </div>
      </form>
      <p class="muted">
        Logs go to s3://{bucketOf(form) || '…'}/{form.prefix ? `${form.prefix}/` : ''}AWSLogs/{session.identity.accountId}/CloudTrail/
      </p>
    </div>
  );
}
