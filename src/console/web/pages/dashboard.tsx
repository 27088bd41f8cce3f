/**
 * Dashboard (`#/dashboard`): the last day of event history in the console's region at a glance:
 * totals and error rate as cards, events per hour as a chart, and the busiest event names and
 * users, each linked to event history filtered to it.
 */
import { useEffect, useState } from 'preact/hooks';
import { stats, type Stats } from '../api.js';
import { href, type PageProps } from '../router.js';
import { useRegion } from '../components/region.js';
import { HourlyChart } from '../components/hourly-chart.js';
import { ErrorAlert } from '../components/ui.js';

const HOURS = 24;

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

function Card({ label, value }: { label: string; value: string }) {
  return (
    <div class="card stat">
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
    </div>
  );
}

function TopList(props: { title: string; column: string; attr: string; items: Array<{ name: string; count: number }> }) {
  return (
    <section class="card" aria-labelledby={`top-${props.attr}`}>
      <h2 id={`top-${props.attr}`}>{props.title}</h2>
      {props.items.length === 0 ? (
        <p class="muted">No events in the last {HOURS} hours.</p>
      ) : (
        <table class="grid compact">
          <thead>
            <tr>
              <th scope="col">{props.column}</th>
              <th scope="col" class="num">
                Events
              </th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((i) => (
              <tr key={i.name}>
                <td>
                  <a href={href(['events'], { attr: props.attr, value: i.name })}>{i.name}</a>
                </td>
                <td class="num">{i.count.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function DashboardPage(_props: PageProps) {
  const region = useRegion();
  const [data, setData] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    stats(HOURS, region).then(
      (s) => live && setData(s),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [region]);

  return (
    <div class="page dashboard">
      <div class="page-header">
        <h1>Dashboard</h1>
        <a class="btn" href="#/events">
          View event history
        </a>
      </div>
      <p class="muted">
        Event history in {region} over the last {HOURS} hours.
      </p>
      <ErrorAlert error={error} />
      {data === null && !error && <p class="muted">Loading figures…</p>}
      {data && (
        <>
          <div class="cards">
            <Card label="Events" value={data.total.toLocaleString('en-US')} />
            <Card label="Errors" value={data.errors.toLocaleString('en-US')} />
            <Card label="Error rate" value={percent(data.errors, data.total)} />
            <Card label="Most active user" value={data.topUsers[0]?.name ?? '-'} />
          </div>
          <section class="card" aria-labelledby="per-hour">
            <h2 id="per-hour">Events per hour</h2>
            <HourlyChart hours={data.hours} label={`Events and errors per hour in ${region} over the last ${HOURS} hours`} />
          </section>
          <div class="columns">
            <TopList title="Top event names" column="Event name" attr="EventName" items={data.topEventNames} />
            <TopList title="Top users" column="User name" attr="Username" items={data.topUsers} />
          </div>
        </>
      )}
    </div>
  );
}
