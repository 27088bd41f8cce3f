/**
 * Trails list (`#/trails`): every trail DescribeTrails shows in the console's region, with its
 * logging status and latest delivery from GetTrailStatus, and the way into the create wizard.
 */
import { useEffect, useState } from 'preact/hooks';
import { href, type PageProps } from '../router.js';
import { useRegion } from '../components/region.js';
import { trailsWithStatus, type TrailWithStatus } from './trail-api.js';
import { ErrorAlert, formatIsoTime } from '../components/ui.js';
import './trails.css';

export function LoggingBadge({ logging }: { logging: boolean | undefined }) {
  if (logging === undefined) return <span class="badge neutral">Unknown</span>;
  return logging ? <span class="badge ok">Logging</span> : <span class="badge bad">Not logging</span>;
}

export function TrailsPage({ navigate }: PageProps) {
  const region = useRegion();
  const [rows, setRows] = useState<TrailWithStatus[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setRows(null);
    setError(null);
    trailsWithStatus(region).then(
      (r) => live && setRows(r.sort((a, b) => a.trail.Name.localeCompare(b.trail.Name))),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [region]);

  return (
    <div class="page trails-page">
      <div class="page-header">
        <h1>Trails</h1>
        <button type="button" class="btn primary" onClick={() => navigate(href(['trails', 'new']))}>
          Create trail
        </button>
      </div>
      <ErrorAlert error={error} />
      {rows === null && !error && <p class="muted">Loading trails…</p>}
      {rows?.length === 0 && <p class="muted">No trails in {region}. Create one to deliver events to a bucket.</p>}
      {rows && rows.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Home region</th>
              <th scope="col">Multi-region trail</th>
              <th scope="col">S3 bucket</th>
              <th scope="col">Status</th>
              <th scope="col">Latest delivery</th>
              <th scope="col">Latest delivery error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ trail, status, statusError }) => (
              <tr key={trail.TrailARN}>
                <td>
                  <a href={href(['trails', trail.Name])}>{trail.Name}</a>
                </td>
                <td>{trail.HomeRegion}</td>
                <td>{trail.IsMultiRegionTrail ? 'Yes' : 'No'}</td>
                <td>
                  <a href={href(['buckets', trail.S3BucketName])}>{trail.S3BucketName}</a>
                </td>
                <td title={statusError}>
                  <LoggingBadge logging={status?.IsLogging} />
                </td>
                <td>{formatIsoTime(status?.LatestDeliveryTime)}</td>
                <td class={status?.LatestDeliveryError ? 'trail-error' : 'muted'}>{status?.LatestDeliveryError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
