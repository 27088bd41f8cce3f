/**
 * One bucket's contents (`#/buckets/<bucket>?prefix=…`): ListObjectsV2 with delimiter "/" so the
 * AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/ layout reads as folders, breadcrumbs
 * back up the path, and Next/Previous pages over continuation tokens.
 */
import { useEffect, useState } from 'preact/hooks';
import { s3Xml } from '../api.js';
import { href, type PageProps } from '../router.js';
import { childText, elements } from './buckets.js';
import { ErrorAlert, formatIsoTime } from '../components/ui.js';
import './buckets.css';

const PAGE_SIZE = '100';

interface Listing {
  folders: string[];
  files: Array<{ key: string; size: number; modified: string }>;
  nextToken?: string;
}

async function listObjects(bucket: string, prefix: string, token: string | undefined): Promise<Listing> {
  const doc = await s3Xml('GET', bucket, '', {
    'list-type': '2',
    delimiter: '/',
    'max-keys': PAGE_SIZE,
    ...(prefix ? { prefix } : {}),
    ...(token ? { 'continuation-token': token } : {}),
  });
  const root = doc.documentElement;
  const next = childText(root, 'NextContinuationToken');
  return {
    folders: elements(root, 'CommonPrefixes').map((p) => childText(p, 'Prefix') ?? ''),
    files: elements(root, 'Contents').map((c) => ({
      key: childText(c, 'Key') ?? '',
      size: Number(childText(c, 'Size') ?? 0),
      modified: childText(c, 'LastModified') ?? '',
    })),
    ...(childText(root, 'IsTruncated') === 'true' && next ? { nextToken: next } : {}),
  };
}

/** `1.2 KiB` style sizes. */
function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let i = -1;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(1)} ${units[i]}`;
}

/** Bucket name, then one crumb per folder of `prefix` (a folder prefix ends with "/"). */
export function Breadcrumbs({ bucket, path }: { bucket: string; path: string }) {
  const parts = path.split('/').filter((s) => s !== '');
  const folderParts = path.endsWith('/') ? parts : parts.slice(0, -1);
  return (
    <nav aria-label="Breadcrumbs" class="breadcrumbs">
      <ol>
        <li>
          <a href={href(['buckets'])}>Buckets</a>
        </li>
        <li>
          <a href={href(['buckets', bucket])}>{bucket}</a>
        </li>
        {folderParts.map((p, i) => (
          <li key={i}>
            <a href={href(['buckets', bucket], { prefix: `${folderParts.slice(0, i + 1).join('/')}/` })}>{p}</a>
          </li>
        ))}
        {!path.endsWith('/') && parts.length > 0 && <li aria-current="page">{parts[parts.length - 1]}</li>}
      </ol>
    </nav>
  );
}

export function BucketBrowserPage({ route }: PageProps) {
  const bucket = route.segments[1] ?? '';
  const prefix = route.query.get('prefix') ?? '';
  const at = `${bucket}/${prefix}`;
  // Tokens of the pages seen so far in this folder: [undefined (first page), token of page 2, …].
  const [paging, setPaging] = useState<{ at: string; tokens: Array<string | undefined> }>({ at, tokens: [undefined] });
  const tokens = paging.at === at ? paging.tokens : [undefined];
  const setTokens = (next: Array<string | undefined>) => setPaging({ at, tokens: next });
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const page = tokens.length - 1;

  useEffect(() => {
    let live = true;
    setListing(null);
    setError(null);
    listObjects(bucket, prefix, tokens[page]).then(
      (l) => live && setListing(l),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [at, page, tokens[page]]);

  const name = (key: string) => key.slice(prefix.length);
  return (
    <div class="page bucket-browser">
      <div class="page-header">
        <h1>{bucket}</h1>
      </div>
      <Breadcrumbs bucket={bucket} path={prefix} />
      <ErrorAlert error={error} />
      {!listing && !error && <p class="muted">Loading…</p>}
      {listing && (
        <>
          {listing.folders.length === 0 && listing.files.length === 0 && <p class="muted">No objects here.</p>}
          {(listing.folders.length > 0 || listing.files.length > 0) && (
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Size</th>
                  <th scope="col">Last modified</th>
                </tr>
              </thead>
              <tbody>
                {listing.folders.map((f) => (
                  <tr key={f}>
                    <td>
                      <a href={href(['buckets', bucket], { prefix: f })}>{name(f)}</a>
                    </td>
                    <td>Folder</td>
                    <td>—</td>
                    <td>—</td>
                  </tr>
                ))}
                {listing.files.map((f) => (
                  <tr key={f.key}>
                    <td>
                      <a href={href(['buckets', bucket, 'file'], { key: f.key })}>{name(f.key)}</a>
                    </td>
                    <td>{f.key.includes('CloudTrail-Digest') ? 'Digest file' : f.key.endsWith('.json.gz') ? 'Log file' : 'Object'}</td>
                    <td>{formatSize(f.size)}</td>
                    <td>{formatIsoTime(f.modified)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div class="toolbar pager">
            <button type="button" class="btn" disabled={page === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
              Previous page
            </button>
            <span class="muted">Page {page + 1}</span>
            <button type="button" class="btn" disabled={!listing.nextToken} onClick={() => setTokens([...tokens, listing.nextToken])}>
              Next page
            </button>
          </div>
        </>
      )}
    </div>
  );
}
