/**
 * What `validate-logs` reads, as small interfaces: objects of a bucket (listed in key order and
 * read with their user metadata), the public keys of the digest signatures, and the trails. The
 * command uses S3 and CloudTrail clients (s3-sources.ts); unit tests use in-memory fakes.
 */

/** Thrown by `ObjectSource.get` when the object does not exist (S3 `NoSuchKey`). */
export class ObjectNotFound extends Error {
  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key} does not exist`);
    this.name = 'ObjectNotFound';
  }
}

/**
 * Any other failure to list or read (access denied, no such bucket, network): like the AWS CLI
 * we stop the run on these rather than call the file invalid, since they say nothing about it.
 */
export class SourceError extends Error {
  override name = 'SourceError';
}

export interface StoredObject {
  /** The raw bytes as stored (the gzip file). Reading may fail midway. */
  body: AsyncIterable<Uint8Array>;
  /** User metadata, keys lowercase without `x-amz-meta-`. */
  metadata: Record<string, string>;
}

export interface ObjectSource {
  /** Keys under `prefix` strictly after `marker`, in ascending (byte) order; stop early by breaking. */
  list(bucket: string, prefix: string, marker: string): AsyncIterable<string>;
  get(bucket: string, key: string): Promise<StoredObject>;
}

/** One ListPublicKeys entry. */
export interface PublicKey {
  fingerprint: string;
  /** DER PKCS#1 RSAPublicKey. */
  value: Uint8Array;
}

export interface PublicKeySource {
  /** Keys whose validity overlaps [start, end] (ListPublicKeys). */
  list(start: Date, end: Date): Promise<PublicKey[]>;
}

/** The DescribeTrails fields validate-logs needs. */
export interface TrailInfo {
  trailArn: string;
  bucket: string;
  prefix?: string;
  isOrganizationTrail: boolean;
}

export interface TrailSource {
  /** DescribeTrails with no arguments. */
  describeTrails(): Promise<TrailInfo[]>;
  /** The caller's organization id (`o-…`), for organization trails. */
  organizationId(): Promise<string>;
}

export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return Buffer.concat(chunks);
}
