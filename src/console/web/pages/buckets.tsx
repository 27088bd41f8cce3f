/**
 * Buckets (`#/buckets`): ListBuckets on the bucket store, each bucket opening the browser. Also
 * the S3 XML reading the bucket pages and the trail wizard share.
 */
import { useEffect, useState } from 'preact/hooks';
import { s3Xml } from '../api.js';
import { href, type PageProps } from '../router.js';
import { ErrorAlert, formatIsoTime } from '../components/ui.js';
import './buckets.css';

/** Text of each `tag` child of `parent`, in order (S3 answers are namespaced: match local names). */
export function childText(parent: Element | Document, tag: string): string | undefined {
  for (const c of Array.from(parent.children)) if (c.localName === tag) return c.textContent ?? '';
  return undefined;
}

export function elements(parent: Element | Document, tag: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS('*', tag));
}

export interface BucketEntry {
  name: string;
  created: string;
}

export async function listBuckets(): Promise<BucketEntry[]> {
  const doc = await s3Xml('GET', '');
  return elements(doc, 'Bucket').map((b) => ({ name: childText(b, 'Name') ?? '', created: childText(b, 'CreationDate') ?? '' }));
}

export function BucketsPage(_props: PageProps) {
  const [buckets, setBuckets] = useState<BucketEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    listBuckets().then(setBuckets, setError);
  }, []);
  return (
    <div class="page buckets-page">
      <div class="page-header">
        <h1>Buckets</h1>
      </div>
      <ErrorAlert error={error} />
      {buckets === null && !error && <p class="muted">Loading buckets…</p>}
      {buckets?.length === 0 && <p class="muted">No buckets yet. A trail's wizard can create one.</p>}
      {buckets && buckets.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.name}>
                <td>
                  <a href={href(['buckets', b.name])}>{b.name}</a>
                </td>
                <td>{formatIsoTime(b.created)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
