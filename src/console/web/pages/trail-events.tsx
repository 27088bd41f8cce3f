/**
 * The wizard's "Choose log events" step: management events (read/write, excluding KMS), and data
 * events either with basic selectors (S3 objects in all or named buckets, Lambda functions) or as
 * advanced event selectors edited row by row (field, operator, comma-separated values).
 */
import { OPERATORS, type Operator } from './trail-api.js';
import { ADVANCED_FIELDS, newAdvancedSelector, type AdvancedSelectorForm, type ManagementEvents, type TrailForm } from './trail-form.js';
import { describedBy, Field } from '../components/ui.js';

interface StepProps {
  form: TrailForm;
  set(patch: Partial<TrailForm>): void;
  problems: Record<string, string>;
}

const MANAGEMENT: Array<[ManagementEvents, string]> = [
  ['All', 'All (read and write)'],
  ['ReadOnly', 'Read'],
  ['WriteOnly', 'Write'],
  ['None', 'None'],
];

function ManagementEventsFields({ form, set }: StepProps) {
  return (
    <fieldset class="fieldset">
      <legend>Management events</legend>
      <div role="radiogroup" aria-label="API activity" class="choice-row">
        {MANAGEMENT.map(([value, label]) => (
          <label key={value} class="choice">
            <input type="radio" name="management" checked={form.management === value} onChange={() => set({ management: value })} />
            {label}
          </label>
        ))}
      </div>
      <label class="choice">
        <input
          type="checkbox"
          checked={form.excludeKms}
          disabled={form.management === 'None'}
          onChange={(e) => set({ excludeKms: e.currentTarget.checked })}
        />
        Exclude AWS KMS events
      </label>
    </fieldset>
  );
}

function BasicDataEvents({ form, set, problems }: StepProps) {
  return (
    <fieldset class="fieldset">
      <legend>Data events</legend>
      <div role="radiogroup" aria-label="S3 data events" class="choice-row">
        {(
          [
            ['none', 'No S3 data events'],
            ['all', 'All current and future S3 buckets'],
            ['buckets', 'Specific S3 buckets'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} class="choice">
            <input type="radio" name="s3data" checked={form.s3Data === value} onChange={() => set({ s3Data: value })} />
            {label}
          </label>
        ))}
      </div>
      {form.s3Data === 'buckets' && (
        <Field label="S3 bucket names" id="s3-buckets" problem={problems.s3Buckets} hint="Separate names with commas or spaces.">
          <input
            type="text"
            value={form.s3Buckets}
            onInput={(e) => set({ s3Buckets: e.currentTarget.value })}
            {...describedBy('s3-buckets', problems.s3Buckets, true)}
          />
        </Field>
      )}
      <label class="choice">
        <input type="checkbox" checked={form.lambdaData} onChange={(e) => set({ lambdaData: e.currentTarget.checked })} />
        Log data events for all Lambda functions
      </label>
    </fieldset>
  );
}

function AdvancedSelectorEditor(props: { index: number; selector: AdvancedSelectorForm; problem?: string | undefined; change(next: AdvancedSelectorForm | null): void }) {
  const { index, selector, change } = props;
  const n = index + 1;
  const setRow = (i: number, patch: Partial<AdvancedSelectorForm['rows'][number]>) =>
    change({ ...selector, rows: selector.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset class="fieldset advanced-selector">
      <legend>Advanced event selector {n}</legend>
      <Field label={`Selector ${n} name`} id={`adv-${index}-name`}>
        <input
          type="text"
          value={selector.name}
          onInput={(e) => change({ ...selector, name: e.currentTarget.value })}
          {...describedBy(`adv-${index}-name`, undefined)}
        />
      </Field>
      <table class="grid selector-rows">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Operator</th>
            <th scope="col">Value</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {selector.rows.map((row, i) => (
            <tr key={i}>
              <td>
                <select aria-label={`Selector ${n} row ${i + 1} field`} value={row.field} onChange={(e) => setRow(i, { field: e.currentTarget.value })}>
                  {/* A field this editor does not offer, kept from the trail's selectors. */}
                  {[...new Set<string>([...ADVANCED_FIELDS, row.field])].map((f) => (
                    <option key={f} value={f}>
                      {f}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select
                  aria-label={`Selector ${n} row ${i + 1} operator`}
                  value={row.operator}
                  onChange={(e) => setRow(i, { operator: e.currentTarget.value as Operator })}
                >
                  {OPERATORS.map((op) => (
                    <option key={op} value={op}>
                      {op}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="text"
                  aria-label={`Selector ${n} row ${i + 1} value`}
                  value={row.value}
                  onInput={(e) => setRow(i, { value: e.currentTarget.value })}
                />
              </td>
              <td>
                <button
                  type="button"
                  class="btn"
                  aria-label={`Remove selector ${n} row ${i + 1}`}
                  onClick={() => change({ ...selector, rows: selector.rows.filter((_, j) => j !== i) })}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.problem && <p class="field-problem">{props.problem}</p>}
      <div class="toolbar">
        <button type="button" class="btn" onClick={() => change({ ...selector, rows: [...selector.rows, { field: 'eventName', operator: 'Equals', value: '' }] })}>
          Add condition to selector {n}
        </button>
        <button type="button" class="btn danger" onClick={() => change(null)}>
          Remove selector {n}
        </button>
      </div>
    </fieldset>
  );
}

function AdvancedDataEvents({ form, set, problems }: StepProps) {
  const change = (i: number, next: AdvancedSelectorForm | null) =>
    set({ advanced: next === null ? form.advanced.filter((_, j) => j !== i) : form.advanced.map((s, j) => (j === i ? next : s)) });
  return (
    <div class="advanced-selectors">
      <p class="muted">
        Management events follow the choice above. Each selector below logs the data events that match all of its conditions; values are
        comma-separated.
      </p>
      {form.advanced.map((sel, i) => (
        <AdvancedSelectorEditor key={i} index={i} selector={sel} problem={problems[`advanced${i}`]} change={(next) => change(i, next)} />
      ))}
      <button type="button" class="btn" onClick={() => set({ advanced: [...form.advanced, newAdvancedSelector()] })}>
        Add advanced event selector
      </button>
    </div>
  );
}

export function EventsStep(props: StepProps) {
  const { form, set } = props;
  return (
    <section aria-labelledby="events-step" class="card">
      <h2 id="events-step">Choose log events</h2>
      <div role="radiogroup" aria-label="Selector mode" class="choice-row">
        <label class="choice">
          <input type="radio" name="selector-mode" checked={form.selectorMode === 'basic'} onChange={() => set({ selectorMode: 'basic' })} />
          Basic event selectors
        </label>
        <label class="choice">
          <input type="radio" name="selector-mode" checked={form.selectorMode === 'advanced'} onChange={() => set({ selectorMode: 'advanced' })} />
          Advanced event selectors
        </label>
      </div>
      <ManagementEventsFields {...props} />
      {form.selectorMode === 'basic' ? <BasicDataEvents {...props} /> : <AdvancedDataEvents {...props} />}
    </section>
  );
}
