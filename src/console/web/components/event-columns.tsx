/**
 * The event history table's columns: what each shows on screen and writes to the CSV download,
 * and which ones this browser chose to see (kept in localStorage across sessions).
 */
import type { JSX } from 'preact';
import { formatEventTime, type EventRow } from './lookup.js';

export interface Column {
  id: string;
  label: string;
  /** The cell as text: the CSV value, and the screen value unless `cell` says otherwise. */
  text(row: EventRow): string;
  cell?(row: EventRow): JSX.Element;
  /** Columns that cannot be hidden (the link to the event lives in them). */
  fixed?: boolean;
}

function detailHref(row: EventRow): string {
  return `#/events/${encodeURIComponent(row.event.EventId)}`;
}

const join = (values: Array<string | undefined>): string => values.filter((v): v is string => !!v).join(', ');

export const COLUMNS: Column[] = [
  { id: 'time', label: 'Event time', text: (r) => formatEventTime(r.event.EventTime) },
  { id: 'user', label: 'User name', text: (r) => r.event.Username ?? '' },
  {
    id: 'name',
    label: 'Event name',
    fixed: true,
    text: (r) => r.event.EventName ?? '',
    cell: (r) => <a href={detailHref(r)}>{r.event.EventName ?? r.event.EventId}</a>,
  },
  { id: 'resourceType', label: 'Resource type', text: (r) => join((r.event.Resources ?? []).map((x) => x.ResourceType)) },
  { id: 'resourceName', label: 'Resource name', text: (r) => join((r.event.Resources ?? []).map((x) => x.ResourceName)) },
  { id: 'source', label: 'Event source', text: (r) => r.event.EventSource ?? '' },
  { id: 'accessKey', label: 'AWS access key', text: (r) => r.event.AccessKeyId ?? '' },
  { id: 'region', label: 'AWS region', text: (r) => r.region },
  {
    id: 'error',
    label: 'Error code',
    text: (r) => r.errorCode,
    cell: (r) => (r.errorCode ? <span class="badge bad">{r.errorCode}</span> : <span />),
  },
];

const STORAGE_KEY = 'opentrail.events.columns';

/** Ids of the columns to show; every column when nothing (or nothing readable) was kept. */
export function loadVisibleColumns(): string[] {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (Array.isArray(kept)) {
      const ids = COLUMNS.filter((c) => c.fixed || kept.includes(c.id)).map((c) => c.id);
      if (ids.length > 0) return ids;
    }
  } catch {
    // an unreadable value is the same as none
  }
  return COLUMNS.map((c) => c.id);
}

export function saveVisibleColumns(ids: string[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(ids));
}

export function ColumnChooser({ visible, onChange }: { visible: string[]; onChange(ids: string[]): void }) {
  const toggle = (id: string, on: boolean) => {
    const next = COLUMNS.filter((c) => (c.id === id ? on : visible.includes(c.id))).map((c) => c.id);
    saveVisibleColumns(next);
    onChange(next);
  };
  return (
    <details class="column-chooser">
      <summary class="btn">Columns</summary>
      <fieldset class="fieldset popover">
        <legend>Visible columns</legend>
        {COLUMNS.map((c) => (
          <label key={c.id} class="choice">
            <input
              type="checkbox"
              checked={visible.includes(c.id)}
              disabled={c.fixed}
              onChange={(e) => toggle(c.id, e.currentTarget.checked)}
            />
            {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
