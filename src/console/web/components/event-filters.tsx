/**
 * Event history filters, as the AWS console offers them: one lookup attribute with its value and
 * a relative or absolute time range. They live in the hash query (`#/events?attr=Username&
 * value=alice&range=1d`) so a reload or a shared link shows the same events.
 */
import { useState } from 'preact/hooks';
import type { AttributeKey, LookupQuery } from './lookup.js';

export const ATTRIBUTES: Array<[AttributeKey, string]> = [
  ['ReadOnly', 'Read-only'],
  ['EventName', 'Event name'],
  ['Username', 'User name'],
  ['ResourceType', 'Resource type'],
  ['ResourceName', 'Resource name'],
  ['EventSource', 'Event source'],
  ['AccessKeyId', 'AWS access key'],
  ['EventId', 'Event ID'],
];

const RELATIVE: Array<[string, string, number]> = [
  ['1h', 'Last 1 hour', 1],
  ['3h', 'Last 3 hours', 3],
  ['12h', 'Last 12 hours', 12],
  ['1d', 'Last 1 day', 24],
  ['7d', 'Last 7 days', 7 * 24],
  ['30d', 'Last 30 days', 30 * 24],
  ['90d', 'Last 90 days', 90 * 24],
];

export interface Filters {
  attr: AttributeKey;
  value: string;
  /** '' (any time), a RELATIVE id, or 'custom' for start/end. */
  range: string;
  /** datetime-local values (the browser's local time). */
  start: string;
  end: string;
}

export function filtersFrom(query: URLSearchParams): Filters {
  const attr = query.get('attr');
  const known = ATTRIBUTES.find(([k]) => k === attr);
  return {
    attr: known ? known[0] : 'EventName',
    value: query.get('value') ?? '',
    range: query.get('range') ?? '',
    start: query.get('start') ?? '',
    end: query.get('end') ?? '',
  };
}

/** The hash query for filters; empty members are left out. */
export function filtersQuery(f: Filters): Record<string, string | undefined> {
  const custom = f.range === 'custom';
  return {
    attr: f.value ? f.attr : undefined,
    value: f.value || undefined,
    range: f.range || undefined,
    start: custom ? f.start : undefined,
    end: custom ? f.end : undefined,
  };
}

/** `User name: alice, Last 1 day`, or '' without filters: what the shown events were matched by. */
export function describeFilters(f: Filters): string {
  const label = ATTRIBUTES.find(([k]) => k === f.attr)?.[1] ?? f.attr;
  const range = f.range === 'custom' ? `${f.start || 'start'} to ${f.end || 'now'}` : RELATIVE.find(([id]) => id === f.range)?.[1];
  return [f.value ? `${label}: ${f.value}` : undefined, range].filter((p) => p !== undefined).join(', ');
}

/** The LookupEvents request filters mean, relative ranges counted back from `now` (ms). */
export function lookupQuery(f: Filters, now: number): LookupQuery {
  const q: LookupQuery = {};
  if (f.value) q.attribute = { key: f.attr, value: f.value };
  const relative = RELATIVE.find(([id]) => id === f.range);
  if (relative) q.start = now - relative[2] * 3_600_000;
  if (f.range === 'custom') {
    const start = Date.parse(f.start);
    const end = Date.parse(f.end);
    if (!Number.isNaN(start)) q.start = start;
    if (!Number.isNaN(end)) q.end = end;
  }
  return q;
}

const NO_FILTERS: Filters = { attr: 'EventName', value: '', range: '', start: '', end: '' };

/** The form keeps its own state after applying (the page does not rebuild it for its own filters). */
export function EventFilters({ initial, onApply }: { initial: Filters; onApply(f: Filters): void }) {
  const [f, setF] = useState(initial);
  const set = (patch: Partial<Filters>) => setF({ ...f, ...patch });
  const submit = (e: Event) => {
    e.preventDefault();
    onApply(f);
  };
  const clear = () => {
    setF(NO_FILTERS);
    onApply(NO_FILTERS);
  };
  return (
    <form class="toolbar filters" onSubmit={submit} aria-label="Filter events">
      <label class="field">
        <span>Lookup attribute</span>
        <select value={f.attr} onChange={(e) => set({ attr: e.currentTarget.value as AttributeKey, value: '' })}>
          {ATTRIBUTES.map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {f.attr === 'ReadOnly' ? (
        <label class="field">
          <span>Attribute value</span>
          <select value={f.value} onChange={(e) => set({ value: e.currentTarget.value })}>
            <option value="">Any</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        </label>
      ) : (
        <label class="field grow">
          <span>Attribute value</span>
          <input type="search" value={f.value} placeholder="Enter a value" onInput={(e) => set({ value: e.currentTarget.value })} />
        </label>
      )}
      <label class="field">
        <span>Time range</span>
        <select value={f.range} onChange={(e) => set({ range: e.currentTarget.value })}>
          <option value="">Any time (90 days)</option>
          {RELATIVE.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
          <option value="custom">Absolute range…</option>
        </select>
      </label>
      {f.range === 'custom' && (
        <>
          <label class="field">
            <span>Start</span>
            <input type="datetime-local" value={f.start} onInput={(e) => set({ start: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>End</span>
            <input type="datetime-local" value={f.end} onInput={(e) => set({ end: e.currentTarget.value })} />
          </label>
        </>
      )}
      <div class="toolbar-actions">
        <button type="submit" class="btn primary">
          Apply
        </button>
        <button type="button" class="btn" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
