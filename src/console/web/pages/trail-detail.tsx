/**
 * One trail (`#/trails/<name>`): its settings (GetTrail), status (GetTrailStatus) and event
 * selectors (GetEventSelectors), with Start/Stop logging, Edit, and Delete behind a dialog that
 * asks for the trail's name typed out, as the AWS console does.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { cloudtrail } from '../api.js';
import { href, type PageProps } from '../router.js';
import { useRegion } from '../components/region.js';
import { trailDetails, type TrailDetails } from './trail-api.js';
import { LoggingBadge } from './trails.js';
import { ErrorAlert, formatIsoTime } from '../components/ui.js';
import './trails.css';

function DeleteDialog({ name, onDelete, onClose }: { name: string; onDelete(): Promise<void>; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const confirm = async () => {
    setBusy(true);
    try {
      await onDelete();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="modal" aria-labelledby="delete-title" onClose={onClose}>
      <h2 id="delete-title">Delete trail {name}?</h2>
      <p>Deleting the trail stops its delivery. Log files already in the bucket stay there.</p>
      <label class="field">
        <span>
          To confirm, type the trail name <strong>{name}</strong>
        </span>
        <input type="text" value={typed} autoComplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
      </label>
      <ErrorAlert error={error} title="Delete failed." />
      <div class="toolbar">
        <button type="button" class="btn" onClick={() => ref.current?.close()}>
          Cancel
        </button>
        <button type="button" class="btn danger" disabled={typed !== name || busy} onClick={() => void confirm()}>
          Delete
        </button>
      </div>
    </dialog>
  );
}

function Settings({ details }: { details: TrailDetails }) {
  const { trail, status } = details;
  const rows: Array<[string, string]> = [
    ['Trail ARN', trail.TrailARN],
    ['Home region', trail.HomeRegion],
    ['Multi-region trail', trail.IsMultiRegionTrail ? 'Yes' : 'No'],
    ['Organization trail', trail.IsOrganizationTrail ? 'Yes' : 'No'],
    ['S3 bucket', trail.S3BucketName],
    ['Log file prefix', trail.S3KeyPrefix ?? '—'],
    ['Log file validation', trail.LogFileValidationEnabled ? 'Enabled' : 'Disabled'],
    ['AWS KMS key', trail.KmsKeyId ?? 'None (SSE-S3)'],
    ['Include global service events', trail.IncludeGlobalServiceEvents ? 'Yes' : 'No'],
    ['Latest delivery', formatIsoTime(status.LatestDeliveryTime)],
    ['Latest delivery error', status.LatestDeliveryError ?? '—'],
    ['Latest digest delivery', formatIsoTime(status.LatestDigestDeliveryTime)],
    ['Latest digest delivery error', status.LatestDigestDeliveryError ?? '—'],
    ['Logging started', formatIsoTime(status.StartLoggingTime)],
    ['Logging stopped', formatIsoTime(status.StopLoggingTime)],
  ];
  return (
    <table class="grid review">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{k === 'S3 bucket' ? <a href={href(['buckets', v], { prefix: trail.S3KeyPrefix ? `${trail.S3KeyPrefix}/` : undefined })}>{v}</a> : v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrailDetailPage({ route, navigate }: PageProps) {
  const region = useRegion();
  const name = route.segments[1] ?? '';
  const [details, setDetails] = useState<TrailDetails | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const load = () =>
    trailDetails(name, region).then(
      (d) => {
        setDetails(d);
        setError(null);
      },
      (e: unknown) => setError(e),
    );
  useEffect(() => {
    setDetails(null);
    void load();
  }, [name, region]);

  const toggleLogging = async (start: boolean) => {
    setBusy(true);
    try {
      await cloudtrail(start ? 'StartLogging' : 'StopLogging', { Name: name }, region);
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const logging = details?.status.IsLogging;
  return (
    <div class="page trail-detail">
      <div class="page-header">
        <h1>{name}</h1>
        {details && (
          <div class="toolbar">
            {logging ? (
              <button type="button" class="btn" disabled={busy} onClick={() => void toggleLogging(false)}>
                Stop logging
              </button>
            ) : (
              <button type="button" class="btn primary" disabled={busy} onClick={() => void toggleLogging(true)}>
                Start logging
              </button>
            )}
            <button type="button" class="btn" onClick={() => navigate(href(['trails', name, 'edit']))}>
              Edit
            </button>
            <button type="button" class="btn danger" onClick={() => setDeleting(true)}>
              Delete
            </button>
          </div>
        )}
      </div>
      <p>
        <a href={href(['trails'])}>← Trails</a>
      </p>
      <ErrorAlert error={error} />
      {!details && !error && <p class="muted">Loading trail…</p>}
      {details && (
        <>
          <p>
            Status: <LoggingBadge logging={logging} />
          </p>
          <section class="card" aria-labelledby="settings-title">
            <h2 id="settings-title">General details</h2>
            <Settings details={details} />
          </section>
          <section class="card" aria-labelledby="selectors-title">
            <h2 id="selectors-title">{details.selectors.AdvancedEventSelectors?.length ? 'Advanced event selectors' : 'Event selectors'}</h2>
            <pre class="json">
              {JSON.stringify(details.selectors.AdvancedEventSelectors?.length ? details.selectors.AdvancedEventSelectors : details.selectors.EventSelectors, null, 2)}
            </pre>
          </section>
        </>
      )}
      {deleting && (
        <DeleteDialog
          name={name}
          onClose={() => setDeleting(false)}
          onDelete={async () => {
            await cloudtrail('DeleteTrail', { Name: name }, region);
            navigate(href(['trails']));
          }}
        />
      )}
    </div>
  );
}
