/**
 * Event history (`#/events?…`): LookupEvents 50 at a time, newest first, with the filters in the
 * address, a column chooser, "Load more" over NextToken, and downloads of what is loaded as CSV
 * (the visible columns) or JSON (the records). Only one page is fetched before the first render,
 * so the page is as fast with a million events as with ten. Applying filters keeps keyboard focus
 * where it was (the form is not rebuilt for its own filters) and the count line announces the
 * result.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { href, parseRoute, type PageProps } from '../router.js';
import { useRegion } from '../components/region.js';
import { lookupEvents, type EventRow, type LookupQuery } from '../components/lookup.js';
import { describeFilters, EventFilters, filtersFrom, filtersQuery, lookupQuery, type Filters } from '../components/event-filters.js';
import { COLUMNS, ColumnChooser, loadVisibleColumns } from '../components/event-columns.js';
import { downloadText, toCsv } from '../components/download.js';
import { ErrorAlert } from '../components/ui.js';

interface Loaded {
  /** Region and hash query the rows answer: rows of earlier filters are never shown as current. */
  key: string;
  /** Relative ranges are fixed when the filters are applied, so "Load more" pages the same window. */
  query: LookupQuery;
  rows: EventRow[];
  nextToken?: string;
}

export function EventsPage({ route, navigate }: PageProps) {
  const region = useRegion();
  const queryKey = route.query.toString();
  const filters = filtersFrom(route.query);
  const key = `${region}?${queryKey}`;
  const [result, setResult] = useState<Loaded | null>(null);
  const loaded = result?.key === key ? result : null;
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [visible, setVisible] = useState(loadVisibleColumns);
  // The filter form is rebuilt (new key) for filters that come from elsewhere (a link, Back), not
  // for the ones it applied itself: rebuilding would drop keyboard focus to <body>.
  const form = useRef<{ key: number; query: string; applied?: string }>({ key: 0, query: queryKey });
  if (form.current.query !== queryKey) {
    form.current = { key: form.current.key + (form.current.applied === queryKey ? 0 : 1), query: queryKey };
  }

  useEffect(() => {
    let live = true;
    setError(null);
    const query = lookupQuery(filters, Date.now());
    lookupEvents(query, region).then(
      (page) => live && setResult({ key, query, ...page }),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [key]);

  const loadMore = () => {
    if (!loaded?.nextToken) return;
    const more = loaded;
    setLoadingMore(true);
    lookupEvents(more.query, region, more.nextToken).then(
      (page) => {
        const rows = [...more.rows, ...page.rows];
        setResult((now) => (now === more ? { key: more.key, query: more.query, rows, ...(page.nextToken ? { nextToken: page.nextToken } : {}) } : now));
        setLoadingMore(false);
      },
      (e: unknown) => {
        setError(e);
        setLoadingMore(false);
      },
    );
  };

  const apply = (f: Filters) => {
    const to = href(['events'], filtersQuery(f));
    form.current.applied = parseRoute(to).query.toString();
    navigate(to);
  };
  const columns = COLUMNS.filter((c) => visible.includes(c.id));
  const rows = loaded?.rows ?? [];
  const matched = describeFilters(filters);
  const count = loaded && `${rows.length} event${rows.length === 1 ? '' : 's'} shown${matched ? ` (${matched})` : ''}${loaded.nextToken ? ', more available' : ''}`;

  const downloadCsv = () =>
    downloadText(
      'event_history.csv',
      toCsv(
        columns.map((c) => c.label),
        rows.map((r) => columns.map((c) => c.text(r))),
      ),
      'text/csv',
    );
  const downloadJson = () =>
    downloadText('event_history.json', JSON.stringify({ Records: rows.map((r) => r.record) }, null, 2), 'application/json');

  return (
    <div class="page events-page">
      <div class="page-header">
        <h1>Event history</h1>
        <div class="actions">
          <ColumnChooser visible={visible} onChange={setVisible} />
          <button type="button" class="btn" disabled={rows.length === 0} onClick={downloadCsv}>
            Download CSV
          </button>
          <button type="button" class="btn" disabled={rows.length === 0} onClick={downloadJson}>
            Download JSON
          </button>
        </div>
      </div>
      <p class="muted">Management events of the last 90 days in {region}, newest first.</p>
      <EventFilters key={form.current.key} initial={filters} onApply={apply} />
      <ErrorAlert error={error} />
      <p class="muted count" aria-live="polite">
        {count ?? (error ? '' : 'Loading events…')}
      </p>
      {loaded && rows.length === 0 && <p>No events match these filters.</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="grid events-grid">
            <caption class="visually-hidden">Events</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.id} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.event.EventId} class="clickable" onClick={() => navigate(`#/events/${encodeURIComponent(r.event.EventId)}`)}>
                  {columns.map((c) => (
                    <td key={c.id} title={c.text(r) || undefined}>
                      {c.cell ? c.cell(r) : c.text(r)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loaded?.nextToken && (
        <div class="toolbar center">
          <button type="button" class="btn" disabled={loadingMore} onClick={loadMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}
