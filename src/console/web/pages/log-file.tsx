/**
 * One object of a log bucket (`#/buckets/<bucket>/file?key=…`): a CloudTrail log file's records as
 * a table or as pretty JSON, a digest file as JSON, and Download of the object's bytes as stored.
 * The bytes are asked for without HTTP decoding (response-content-encoding=identity) because
 * CloudTrail's files are gzip objects that may also carry Content-Encoding: gzip, which would let
 * the browser unzip them behind our back; whatever comes, gzip is recognised by its magic number
 * and decompressed here with DecompressionStream.
 */
import { useEffect, useState } from 'preact/hooks';
import { s3 } from '../api.js';
import type { PageProps } from '../router.js';
import { Breadcrumbs } from './bucket-browser.js';
import { ErrorAlert } from '../components/ui.js';
import './buckets.css';

interface LogRecord {
  eventTime?: string;
  eventName?: string;
  eventSource?: string;
  sourceIPAddress?: string;
  errorCode?: string;
  userIdentity?: { type?: string; userName?: string; arn?: string; principalId?: string; invokedBy?: string };
}

interface LoadedFile {
  /** The object as stored, for Download. */
  bytes: ArrayBuffer;
  json: unknown;
  records?: LogRecord[];
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: ArrayBuffer): Promise<ArrayBuffer> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

async function loadFile(bucket: string, key: string): Promise<LoadedFile> {
  const res = await s3('GET', bucket, key, { 'response-content-encoding': 'identity' });
  const bytes = await res.arrayBuffer();
  const text = new TextDecoder().decode(isGzip(new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength))) ? await gunzip(bytes) : bytes);
  const json: unknown = JSON.parse(text);
  const records = (json as { Records?: unknown }).Records;
  return { bytes, json, ...(Array.isArray(records) ? { records: records as LogRecord[] } : {}) };
}

/** Who made the call, as the AWS console's event history names them. */
function userOf(r: LogRecord): string {
  const id = r.userIdentity;
  if (!id) return '—';
  if (id.userName) return id.userName;
  if (id.type === 'Root') return 'root';
  if (id.arn) return id.arn.split('/').pop() ?? id.arn;
  return id.invokedBy ?? id.principalId ?? id.type ?? '—';
}

function download(bytes: ArrayBuffer, key: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = key.split('/').pop() ?? 'object';
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function RecordsTable({ records }: { records: LogRecord[] }) {
  return (
    <table class="grid records">
      <caption class="muted">{records.length} records</caption>
      <thead>
        <tr>
          <th scope="col">Event time</th>
          <th scope="col">Event name</th>
          <th scope="col">Event source</th>
          <th scope="col">User</th>
          <th scope="col">Source IP address</th>
          <th scope="col">Error code</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r, i) => (
          <tr key={i}>
            <td>{r.eventTime ?? '—'}</td>
            <td>{r.eventName ?? '—'}</td>
            <td>{r.eventSource ?? '—'}</td>
            <td>{userOf(r)}</td>
            <td>{r.sourceIPAddress ?? '—'}</td>
            <td class={r.errorCode ? 'trail-error' : ''}>{r.errorCode ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LogFilePage({ route }: PageProps) {
  const bucket = route.segments[1] ?? '';
  const key = route.query.get('key') ?? '';
  const [file, setFile] = useState<LoadedFile | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<'table' | 'json'>('table');

  useEffect(() => {
    let live = true;
    setFile(null);
    setError(null);
    loadFile(bucket, key).then(
      (f) => live && setFile(f),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [bucket, key]);

  const shown = file?.records ? view : 'json';
  return (
    <div class="page log-file">
      <div class="page-header">
        <h1>{key.split('/').pop()}</h1>
        {file && (
          <button type="button" class="btn" onClick={() => download(file.bytes, key)}>
            Download
          </button>
        )}
      </div>
      <Breadcrumbs bucket={bucket} path={key} />
      <ErrorAlert error={error} />
      {!file && !error && <p class="muted">Loading file…</p>}
      {file?.records && (
        <div role="radiogroup" aria-label="View" class="choice-row">
          <label class="choice">
            <input type="radio" name="view" checked={view === 'table'} onChange={() => setView('table')} />
            Table
          </label>
          <label class="choice">
            <input type="radio" name="view" checked={view === 'json'} onChange={() => setView('json')} />
            JSON
          </label>
        </div>
      )}
      {file && shown === 'table' && file.records && <RecordsTable records={file.records} />}
      {file && shown === 'json' && (
        <pre class="json" tabIndex={0} aria-label="File contents as JSON">
          {JSON.stringify(file.json, null, 2)}
        </pre>
      )}
    </div>
  );
}
