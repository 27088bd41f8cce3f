/**
 * The wizard's first and last steps: general details (name, bucket chosen or created, prefix,
 * multi-region, log file validation, KMS key) and the review of everything before it is sent.
 */
import { bucketOf, selectorsInput, type TrailForm } from './trail-form.js';
import { describedBy, Field } from '../components/ui.js';

export function GeneralStep(props: {
  form: TrailForm;
  set(patch: Partial<TrailForm>): void;
  problems: Record<string, string>;
  buckets: string[] | null;
  editing: boolean;
  region: string;
}) {
  const { form, set, problems, buckets, editing } = props;
  return (
    <section aria-labelledby="general-step" class="card">
      <h2 id="general-step">General details</h2>
      <Field label="Trail name" id="trail-name" problem={problems.name} hint="3–128 letters, numbers, periods, underscores or dashes.">
        <input
          type="text"
          value={form.name}
          readOnly={editing}
          autoComplete="off"
          onInput={(e) => set({ name: e.currentTarget.value })}
          {...describedBy('trail-name', problems.name, true)}
        />
      </Field>
      <fieldset class="fieldset">
        <legend>Storage location</legend>
        <div role="radiogroup" aria-label="Storage location" class="choice-row">
          <label class="choice">
            <input type="radio" name="bucket-mode" checked={form.bucketMode === 'new'} onChange={() => set({ bucketMode: 'new' })} />
            Create a new S3 bucket
          </label>
          <label class="choice">
            <input type="radio" name="bucket-mode" checked={form.bucketMode === 'existing'} onChange={() => set({ bucketMode: 'existing' })} />
            Use existing S3 bucket
          </label>
        </div>
        {form.bucketMode === 'new' ? (
          <Field
            label="New bucket name"
            id="new-bucket"
            problem={problems.newBucket}
            hint={`Created in ${props.region} with the bucket policy CloudTrail needs to deliver to it.`}
          >
            <input
              type="text"
              value={form.newBucket}
              autoComplete="off"
              onInput={(e) => set({ newBucket: e.currentTarget.value })}
              {...describedBy('new-bucket', problems.newBucket, true)}
            />
          </Field>
        ) : (
          <Field label="Bucket" id="existing-bucket" problem={problems.bucket}>
            <select value={form.bucket} onChange={(e) => set({ bucket: e.currentTarget.value })} {...describedBy('existing-bucket', problems.bucket)}>
              <option value="">{buckets === null ? 'Loading buckets…' : 'Choose a bucket'}</option>
              {/* Keep the trail's own bucket selectable even when the caller may not list buckets. */}
              {[...new Set([...(buckets ?? []), ...(form.bucket ? [form.bucket] : [])])].map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Log file prefix (optional)" id="prefix" problem={problems.prefix}>
          <input type="text" value={form.prefix} onInput={(e) => set({ prefix: e.currentTarget.value })} {...describedBy('prefix', problems.prefix)} />
        </Field>
      </fieldset>
      <fieldset class="fieldset">
        <legend>Options</legend>
        <label class="choice">
          <input type="checkbox" checked={form.multiRegion} onChange={(e) => set({ multiRegion: e.currentTarget.checked })} />
          Apply trail to all regions (multi-region trail)
        </label>
        <label class="choice">
          <input type="checkbox" checked={form.validation} onChange={(e) => set({ validation: e.currentTarget.checked })} />
          Log file validation
        </label>
        <Field label="AWS KMS key (optional)" id="kms-key" hint="Key ID, key ARN or alias; leave empty for SSE-S3.">
          <input type="text" value={form.kmsKeyId} onInput={(e) => set({ kmsKeyId: e.currentTarget.value })} {...describedBy('kms-key', undefined, true)} />
        </Field>
      </fieldset>
    </section>
  );
}

export function ReviewStep({ form, region, editing }: { form: TrailForm; region: string; editing: boolean }) {
  const rows: Array<[string, string]> = [
    ['Trail name', form.name],
    ['Home region', region],
    ['S3 bucket', `${bucketOf(form)}${form.bucketMode === 'new' ? ' (new, with CloudTrail bucket policy)' : ''}`],
    ['Log file prefix', form.prefix || '—'],
    ['Multi-region trail', form.multiRegion ? 'Yes' : 'No'],
    ['Log file validation', form.validation ? 'Enabled' : 'Disabled'],
    ['AWS KMS key', form.kmsKeyId || 'None (SSE-S3)'],
    ['Management events', form.management === 'None' ? 'None' : `${form.management}${form.excludeKms ? ', excluding AWS KMS' : ''}`],
  ];
  return (
    <section aria-labelledby="review-step" class="card">
      <h2 id="review-step">{editing ? 'Review changes' : 'Review and create'}</h2>
      <table class="grid review">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Event selectors</h3>
      <pre class="json" tabIndex={0} aria-label="Event selectors JSON">
        {JSON.stringify(selectorsInput(form), null, 2)}
      </pre>
    </section>
  );
}
