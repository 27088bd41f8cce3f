/**
 * Checking a trail's digest files (reference §5, issue 5) read through the S3 API from a server
 * in another process, for crash tests: in each region one chain of signed digests, each window
 * following the last, from StartLogging to a final digest at StopLogging; every log file the
 * trail delivered listed by exactly one digest with the hash of its bytes, and nothing else
 * listed. Digests are read as they appear and again at the end, so a key rewritten with other
 * bytes (a window digested twice across a crash) shows even if the chain was patched over it.
 */
import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudTrailClient, ListPublicKeysCommand, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import type { S3Client } from '@aws-sdk/client-s3';
import { HASH_ALGORITHM, keyFingerprint, sha256Hex, SIGNATURE_ALGORITHM, stringToSign, verifyDigest } from '../../src/delivery/digest.js';
import { accountRoot, digestFileKey } from '../../src/delivery/keys.js';
import type { DeliveredDigest, DigestDocument } from './delivery.js';
import { isDigestKey, listKeys, readGzipJson, type LogFile } from './log-bucket.js';

/** Where a trail's digests go. */
export interface DigestPlace {
  accountId: string;
  bucket: string;
  prefix?: string;
  /** The regions it writes digests for: its home region, or every region the server serves. */
  regions: readonly string[];
}

export interface DigestedTrail extends DigestPlace {
  name: string;
  homeRegion: string;
  /** When it started and stopped logging (GetTrailStatus), ms. */
  startedMs: number;
  stoppedMs: number;
}

export interface DigestFile extends DeliveredDigest {
  bucket: string;
}

/** Each region's signing keys by fingerprint. */
export type RegionKeys = ReadonlyMap<string, ReadonlyMap<string, KeyObject>>;

const digestRoot = (t: DigestPlace) => `${accountRoot(t.prefix, undefined, t.accountId)}CloudTrail-Digest/`;
const endMs = (d: DigestFile) => Date.parse(d.digest.digestEndTime);

async function readDigest(s3: S3Client, bucket: string, key: string): Promise<DigestFile> {
  const { json, metadata } = await readGzipJson(s3, bucket, key);
  return { bucket, key, json, metadata, digest: JSON.parse(json.toString('utf8')) as DigestDocument };
}

/** The digests of some trails as they were first read (each trail's bucket its own). */
export class DigestFiles {
  private readonly seen = new Map<string, DigestFile>();
  /** By `bucket/prefix` of one trail and region: the last key read, where the next look starts. */
  private readonly after = new Map<string, string>();

  constructor(private readonly trails: readonly DigestPlace[]) {}

  get count(): number {
    return this.seen.size;
  }

  /**
   * Reads the digests written since the last look (a trail's keys in one region sort by time);
   * true when there were any. Safe to cut off: what was read is kept.
   */
  async refresh(s3: S3Client): Promise<boolean> {
    let fresh = false;
    for (const t of this.trails) {
      for (const region of t.regions) {
        const prefix = `${digestRoot(t)}${region}/`;
        const at = `${t.bucket}/${prefix}`;
        for (const key of await listKeys(s3, t.bucket, { prefix, startAfter: this.after.get(at) })) {
          this.seen.set(`${t.bucket}/${key}`, await readDigest(s3, t.bucket, key));
          this.after.set(at, key);
          fresh = true;
        }
      }
    }
    return fresh;
  }

  /** Refreshes every `pauseMs` until the returned function is called (errors, as from a killed server, skip a look). */
  watch(s3: S3Client, pauseMs: number): () => Promise<void> {
    let stopped = false;
    const looking = (async () => {
      while (!stopped) {
        await this.refresh(s3).catch(() => undefined);
        await sleep(pauseMs);
      }
    })();
    return async () => {
      stopped = true;
      await looking;
    };
  }

  /** The digests of `bucket` read so far. */
  in(bucket: string): DigestFile[] {
    return [...this.seen.values()].filter((d) => d.bucket === bucket);
  }

  /**
   * Every digest object now in the buckets, by bucket, read again; and the keys read before that
   * are gone or now hold other bytes or another signature.
   */
  async reread(s3: S3Client, buckets: readonly string[]): Promise<{ digests: Map<string, DigestFile[]>; changed: string[] }> {
    const digests = new Map<string, DigestFile[]>();
    const changed: string[] = [];
    const found = new Set<string>();
    for (const bucket of buckets) {
      const files: DigestFile[] = [];
      for (const key of (await listKeys(s3, bucket)).filter(isDigestKey)) {
        const now = await readDigest(s3, bucket, key);
        const before = this.seen.get(`${bucket}/${key}`);
        if (before && (!before.json.equals(now.json) || before.metadata.signature !== now.metadata.signature)) changed.push(`${bucket}/${key} rewritten`);
        found.add(`${bucket}/${key}`);
        files.push(now);
      }
      digests.set(bucket, files);
    }
    for (const id of this.seen.keys()) if (!found.has(id)) changed.push(`${id} gone`);
    return { digests, changed };
  }
}

/** Each region's public keys (ListPublicKeys, reference §2.14), checked to be fingerprinted by the MD5 of their DER. */
export async function publicKeys(client: CloudTrailClientConfig, regions: readonly string[], since: Date): Promise<RegionKeys> {
  const out = new Map<string, Map<string, KeyObject>>();
  for (const region of regions) {
    const ct = new CloudTrailClient({ ...client, region });
    try {
      const { PublicKeyList } = await ct.send(new ListPublicKeysCommand({ StartTime: since, EndTime: new Date() }));
      const keys = new Map<string, KeyObject>();
      for (const k of PublicKeyList ?? []) {
        const der = Buffer.from(k.Value!);
        assert.equal(k.Fingerprint, keyFingerprint(der), `fingerprint of a ${region} key`);
        keys.set(k.Fingerprint!, createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
      }
      out.set(region, keys);
    } finally {
      ct.destroy();
    }
  }
  return out;
}

/** The region of a digest of the trail (the folder after `CloudTrail-Digest/`). */
const regionOf = (t: DigestedTrail, d: DigestFile) => d.key.slice(digestRoot(t).length).split('/')[0] ?? '';

/**
 * What is still to come: log files no digest lists yet, regions without their final digest.
 * `digests` are all the digest files in the trail's bucket, `logFiles` all its log files.
 */
export function awaitedDigests(t: DigestedTrail, digests: readonly DigestFile[], logFiles: readonly LogFile[]): string[] {
  const listed = new Set(digests.flatMap((d) => d.digest.logFiles.map((f) => f.s3Object)));
  const out = logFiles.filter((f) => !listed.has(f.key)).map((f) => `${t.name}: ${f.key} is listed by no digest`);
  for (const region of t.regions) {
    if (!digests.some((d) => regionOf(t, d) === region && endMs(d) >= t.stoppedMs)) out.push(`${t.name}: no final digest in ${region}`);
  }
  return out;
}

/** Everything wrong with the trail's digests that no amount of waiting fixes (same arguments). */
export function digestProblems(t: DigestedTrail, digests: readonly DigestFile[], logFiles: readonly LogFile[], keys: RegionKeys): string[] {
  const problems: string[] = [];
  const problem = (what: string) => problems.push(`${t.name}: ${what}`);
  const chains = new Map(t.regions.map((r) => [r, [] as DigestFile[]]));
  for (const d of digests) {
    const region = regionOf(t, d);
    const chain = chains.get(region);
    const { accountId, prefix, name: trailName, homeRegion } = t;
    const expected = digestFileKey({ ...(prefix ? { prefix } : {}), accountId, region, trailName, homeRegion, endMs: endMs(d) });
    if (!chain || d.key !== expected) problem(`digest key outside the layout or not its end time: ${d.key}`);
    chain?.push(d);
    fileProblems(t, d, keys.get(region)).forEach(problem);
  }
  listingProblems(t, digests, logFiles).forEach(problem);
  for (const [region, chain] of chains) {
    if (chain.length === 0) problem(`no digest in ${region}`);
    else chainProblems(t, chain.sort((a, b) => a.digest.digestEndTime.localeCompare(b.digest.digestEndTime) || a.key.localeCompare(b.key))).forEach(problem);
  }
  return problems;
}

/** One digest on its own: where it says it is, who signed it, and the signature. */
function fileProblems(t: DigestedTrail, d: DigestFile, keys: ReadonlyMap<string, KeyObject> | undefined): string[] {
  const out: string[] = [];
  const doc = d.digest;
  if (doc.awsAccountId !== t.accountId) out.push(`${d.key} is of account ${doc.awsAccountId}`);
  if (doc.digestS3Bucket !== d.bucket || doc.digestS3Object !== d.key) out.push(`${d.key} says it is s3://${doc.digestS3Bucket}/${doc.digestS3Object}`);
  if (doc.digestSignatureAlgorithm !== SIGNATURE_ALGORITHM || d.metadata['signature-algorithm'] !== SIGNATURE_ALGORITHM) {
    out.push(`${d.key}: signature algorithm`);
  }
  if (!(doc.digestStartTime < doc.digestEndTime)) out.push(`${d.key}: window ${doc.digestStartTime} to ${doc.digestEndTime}`);
  const signature = d.metadata.signature ?? '';
  const key = keys?.get(doc.digestPublicKeyFingerprint);
  const signed = stringToSign(doc.digestEndTime, doc.digestS3Bucket, doc.digestS3Object, sha256Hex(d.json), doc.previousDigestSignature);
  if (!/^[0-9a-f]{512}$/.test(signature)) out.push(`${d.key}: signature metadata ${JSON.stringify(signature)}`);
  else if (!key) out.push(`${d.key}: key ${doc.digestPublicKeyFingerprint} is not published`);
  else if (!verifyDigest(signed, signature, key)) out.push(`${d.key}: signature does not verify`);
  const entries = doc.logFiles;
  const newest = entries.length === 0 ? null : entries.map((f) => f.newestEventTime).sort().at(-1);
  const oldest = entries.length === 0 ? null : entries.map((f) => f.oldestEventTime).sort()[0];
  if (doc.newestEventTime !== newest || doc.oldestEventTime !== oldest) out.push(`${d.key}: event times ${doc.oldestEventTime}..${doc.newestEventTime}`);
  return out;
}

/** Every listed file exists, in the digest's region, listed once, with its hash and event times. */
function listingProblems(t: DigestedTrail, digests: readonly DigestFile[], logFiles: readonly LogFile[]): string[] {
  const out: string[] = [];
  const files = new Map(logFiles.map((f) => [f.key, f]));
  const listedBy = new Map<string, string>();
  for (const d of digests) {
    for (const entry of d.digest.logFiles) {
      const prior = listedBy.get(entry.s3Object);
      if (prior) out.push(`${entry.s3Object} is listed by ${prior} and ${d.key}`);
      listedBy.set(entry.s3Object, d.key);
      const file = files.get(entry.s3Object);
      if (entry.s3Bucket !== t.bucket || !file) {
        out.push(`${d.key} lists s3://${entry.s3Bucket}/${entry.s3Object}, which the trail did not deliver`);
        continue;
      }
      const times = file.records.map((r) => r.eventTime).sort();
      if (!file.key.includes(`/CloudTrail/${regionOf(t, d)}/`)) out.push(`${d.key} lists ${file.key} of another region`);
      if (entry.hashAlgorithm !== HASH_ALGORITHM || entry.hashValue !== file.sha256) out.push(`${d.key} lists ${file.key} with hash ${entry.hashValue}`);
      if (entry.oldestEventTime !== times[0] || entry.newestEventTime !== times.at(-1)) {
        out.push(`${d.key} lists ${file.key} with event times ${entry.oldestEventTime}..${entry.newestEventTime}`);
      }
    }
  }
  return out;
}

/** The fields that link a digest to the one before: all null in a starting digest (reference §5.1). */
const UNLINKED = [
  'previousDigestS3Bucket',
  'previousDigestS3Object',
  'previousDigestHashValue',
  'previousDigestHashAlgorithm',
  'previousDigestSignature',
] as const;

/**
 * One region's digests, by end time: one chain from a starting digest at StartLogging, each
 * linking to the one before and starting where it ended, the last one ending at StopLogging.
 */
function chainProblems(t: DigestedTrail, chain: readonly DigestFile[]): string[] {
  const out: string[] = [];
  const starting = chain.filter((d) => UNLINKED.every((k) => d.digest[k] === null));
  if (starting.length !== 1 || starting[0] !== chain[0]) {
    out.push(`starting digests ${starting.map((d) => d.key).join(', ') || 'none'} (the first is ${chain[0]!.key})`);
  }
  const first = chain[0]!.digest;
  if (Date.parse(first.digestStartTime) !== Math.floor(t.startedMs / 1000) * 1000) {
    out.push(`the chain starts at ${first.digestStartTime}, logging at ${new Date(t.startedMs).toISOString()}`);
  }
  chain.forEach((d, i) => {
    const prev = chain[i - 1];
    if (!prev) return;
    const link = {
      previousDigestS3Bucket: prev.bucket,
      previousDigestS3Object: prev.key,
      previousDigestHashValue: sha256Hex(prev.json),
      previousDigestHashAlgorithm: HASH_ALGORITHM,
      previousDigestSignature: prev.metadata.signature,
      digestStartTime: prev.digest.digestEndTime,
    };
    const wrong = Object.entries(link).filter(([k, v]) => d.digest[k as keyof DigestDocument] !== v);
    if (wrong.length > 0) out.push(`${d.key} does not follow ${prev.key}: ${wrong.map(([k]) => k).join(', ')}`);
  });
  const last = chain.at(-1)!;
  const late = chain.filter((d) => endMs(d) >= t.stoppedMs);
  if (late.length !== 1 || late[0] !== last || endMs(last) >= t.stoppedMs + 1000) {
    out.push(`digests ending at or after StopLogging (${new Date(t.stoppedMs).toISOString()}): ${late.map((d) => d.key).join(', ') || 'none'}`);
  }
  return out;
}
