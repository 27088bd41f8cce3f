/**
 * One event (`#/events/<eventId>`), found with LookupEvents by its EventId: a summary of who did
 * what from where, its resources linked to where they live in the console, and the full record
 * as JSON with a copy button.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../router.js';
import { useRegion } from '../components/region.js';
import { formatEventTime, lookupEvents, resourceHref, type EventRow } from '../components/lookup.js';
import { ErrorAlert } from '../components/ui.js';

function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function summary(row: EventRow): Array<[string, string]> {
  const r = row.record;
  const identity = (r.userIdentity ?? {}) as Record<string, unknown>;
  const fields: Array<[string, string]> = [
    ['Event time', formatEventTime(row.event.EventTime)],
    ['Event name', row.event.EventName ?? ''],
    ['Event source', row.event.EventSource ?? ''],
    ['User name', row.event.Username ?? ''],
    ['Identity type', str(identity.type)],
    ['Identity ARN', str(identity.arn)],
    ['AWS access key', row.event.AccessKeyId ?? ''],
    ['AWS region', row.region],
    ['Source IP address', str(r.sourceIPAddress)],
    ['User agent', str(r.userAgent)],
    ['Read-only', row.event.ReadOnly ?? ''],
    ['Event type', str(r.eventType)],
    ['Event ID', row.event.EventId],
    ['Request ID', str(r.requestID)],
    ['Error code', row.errorCode],
    ['Error message', str(r.errorMessage)],
  ];
  return fields.filter(([, v]) => v !== '');
}

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState('');
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setState('Copied to the clipboard.'),
      () => setState('The browser did not allow copying; select the text instead.'),
    );
  };
  return (
    <>
      <button type="button" class="btn" onClick={copy}>
        Copy JSON
      </button>
      <span class="muted" role="status">
        {state}
      </span>
    </>
  );
}

export function EventDetailPage({ route }: PageProps) {
  const region = useRegion();
  const eventId = route.segments[1] ?? '';
  const [row, setRow] = useState<EventRow | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setRow(undefined);
    setError(null);
    lookupEvents({ attribute: { key: 'EventId', value: eventId } }, region).then(
      (page) => live && setRow(page.rows[0] ?? null),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [eventId, region]);

  const json = row ? JSON.stringify(row.record, null, 2) : '';
  return (
    <div class="page event-detail">
      <p class="breadcrumbs">
        <a href="#/events">Event history</a> / {eventId}
      </p>
      <div class="page-header">
        <h1>{row?.event.EventName ?? 'Event'}</h1>
      </div>
      <ErrorAlert error={error} />
      {row === undefined && !error && <p class="muted">Loading event…</p>}
      {row === null && (
        <div class="alert info">
          No event {eventId} in {region}'s event history. It may be in another region, or older than 90 days.
        </div>
      )}
      {row && (
        <>
          <section class="card" aria-labelledby="summary-h">
            <h2 id="summary-h">Details</h2>
            <dl class="summary">
              {summary(row).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section class="card" aria-labelledby="resources-h">
            <h2 id="resources-h">Resources referenced ({row.event.Resources?.length ?? 0})</h2>
            {(row.event.Resources ?? []).length === 0 ? (
              <p class="muted">This event names no resources.</p>
            ) : (
              <table class="grid">
                <thead>
                  <tr>
                    <th scope="col">Resource type</th>
                    <th scope="col">Resource name</th>
                  </tr>
                </thead>
                <tbody>
                  {(row.event.Resources ?? []).map((res, i) => {
                    const link = resourceHref(res);
                    return (
                      <tr key={i}>
                        <td>{res.ResourceType ?? '-'}</td>
                        <td>{link ? <a href={link}>{res.ResourceName}</a> : (res.ResourceName ?? '-')}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
          <section class="card" aria-labelledby="record-h">
            <div class="section-header">
              <h2 id="record-h">Event record</h2>
              <CopyButton text={json} />
            </div>
            <pre class="json" tabIndex={0} aria-label="Event record JSON">
              {json}
            </pre>
          </section>
        </>
      )}
    </div>
  );
}
