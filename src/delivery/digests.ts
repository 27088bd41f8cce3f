/**
 * Digest files (reference §5): for each digest chain of a trail (digest-rows.ts), every hour per
 * (account, region) a signed digest listing the log files delivered in the hour, chained to the
 * previous one; a final digest once a closed chain's last log file is delivered. Windows start
 * where the chain opened (a per-trail offset, as AWS's digests fire at hh:mm:ss of their own) and
 * follow each other exactly. Regions: the home region, or every configured region for a
 * multi-region trail, so an hour without log files still gets its (empty) digest.
 *
 * Exactly once, as log files: the digest's bytes and signature are committed as a plan before the
 * object is written, the object is rewritten from the plan after a crash, and the files it lists
 * leave the chain's waiting entries in the commit that moves its head.
 */
import { gzipSync } from 'node:zlib';
import type { EventLog, NewEvent } from '../store/event-log.js';
import type { StateChange } from '../store/state-change.js';
import type { RegionDeliveryStatus, Trail } from '../trails/trail.js';
import {
  completeDigest,
  dropChain,
  savePendingDigest,
  type DigestChain,
  type DigestHead,
  type DigestPlan,
  type DigestRows,
} from './digest-rows.js';
import { digestJson, digestTime, sha256Hex, signDigest, SIGNATURE_ALGORITHM, stringToSign } from './digest.js';
import { digestFileKey } from './keys.js';
import type { SigningKeys } from './signing-keys.js';
import { checkDestination, DeliveryFailure, storeObjects, type StoreServices } from './store-object.js';

export interface DigestServices extends StoreServices {
  eventLog: EventLog;
  signingKeys: SigningKeys;
}

export interface DigestWriterOptions {
  regions: readonly string[];
  /** The window of each digest: an hour, as AWS; shorter in tests and development. */
  intervalMs: number;
  /** Commits changes and events with the trail's status in the regions (the worker's commit). */
  commit(trail: Trail, regions: string[], patch: RegionDeliveryStatus, events: NewEvent[], changes: StateChange[]): Promise<void>;
}

export class DigestWriter {
  constructor(
    private readonly s: DigestServices,
    private readonly rows: DigestRows,
    private readonly opts: DigestWriterOptions,
  ) {}

  /** Every digest chain by stream (read once per pass; some streams have no log files left to deliver). */
  chains(): Map<string, DigestChain[]> {
    return this.rows.chains();
  }

  /** Writes every digest of the stream's chains that is due at `now`. */
  async serve(trail: Trail, chains: readonly DigestChain[], now: number): Promise<void> {
    for (const chain of chains) await this.serveChain(trail, chain, now);
  }

  private async serveChain(trail: Trail, chain: DigestChain, now: number): Promise<void> {
    // The final digest waits for the log files of every event up to the call that closed the chain.
    const finalDue = chain.closedSeq !== null && !this.rows.awaitsDelivery(chain);
    // Also any region it delivered files in: a single-region trail's global service events may
    // carry another region, and every delivered file must be in some digest.
    const covered = trail.isMultiRegionTrail ? this.opts.regions : [trail.homeRegion];
    const regions = [...new Set([...covered, ...this.rows.regions(chain, trail.accountId)])];
    let finished = true;
    for (const region of regions) {
      const pending = this.rows.pending(chain, trail.accountId, region);
      if (pending) await this.write(trail, pending);
      let head = this.rows.head(chain, trail.accountId, region);
      while (!head.finished) {
        const end = head.windowStartMs + this.opts.intervalMs;
        const hourly = end <= now && (chain.closedMs === null || end < chain.closedMs);
        if (!hourly && !finalDue) break;
        const plan = await this.plan(trail, chain, region, head, hourly ? end : finalEnd(head, chain), !hourly);
        await this.s.eventLog.append([], [savePendingDigest(plan)]);
        await this.write(trail, plan);
        head = this.rows.head(chain, trail.accountId, region);
      }
      finished &&= head.finished;
    }
    if (chain.closedSeq !== null && finished) await this.s.eventLog.append([], dropChain(chain));
  }

  private async plan(trail: Trail, chain: DigestChain, region: string, head: DigestHead, endMs: number, final: boolean): Promise<DigestPlan> {
    const accountId = trail.accountId;
    // An hourly digest lists the files delivered before its end; the final one all that remain.
    const entries = this.rows.entries(chain, accountId, region, final ? Infinity : endMs);
    const key = digestFileKey({
      ...(trail.s3KeyPrefix ? { prefix: trail.s3KeyPrefix } : {}),
      accountId,
      region,
      trailName: trail.name,
      homeRegion: trail.homeRegion,
      endMs,
    });
    const signingKey = await this.s.signingKeys.keyFor(region, endMs);
    const bucket = trail.s3BucketName;
    const json = digestJson({
      accountId,
      startMs: head.windowStartMs,
      endMs,
      bucket,
      key,
      fingerprint: signingKey.fingerprint,
      logFiles: entries.map((e) => e.file),
      ...(head.previous ? { previous: head.previous } : {}),
    });
    const toSign = stringToSign(digestTime(endMs), bucket, key, sha256Hex(json), head.previous?.signature ?? null);
    return {
      chainId: chain.chainId,
      accountId,
      region,
      startMs: head.windowStartMs,
      endMs,
      bucket,
      key,
      ...(trail.kmsKeyId ? { kmsKeyId: trail.kmsKeyId } : {}),
      json,
      signature: signDigest(toSign, signingKey.privateKey),
      final,
      listed: entries.map((e) => e.key),
    };
  }

  /** Writes the digest's object, then moves its head (and the trail's digest status) in one commit. */
  private async write(trail: Trail, plan: DigestPlan): Promise<void> {
    const failure = (code: string) => new DeliveryFailure(code, [plan.region], true);
    await checkDestination(this.s.objects, { ...trail, s3BucketName: plan.bucket }, failure);
    const events = await storeObjects(
      this.s,
      { bucket: plan.bucket, ...(plan.kmsKeyId ? { kmsKeyId: plan.kmsKeyId } : {}) },
      [
        async () => ({
          key: plan.key,
          body: gzipSync(plan.json),
          metadata: { signature: plan.signature, 'signature-algorithm': SIGNATURE_ALGORITHM },
        }),
      ],
      failure,
    );
    const written = { bucket: plan.bucket, key: plan.key, hash: sha256Hex(plan.json), signature: plan.signature };
    const patch = { latestDigestDeliveryTimeMs: this.s.clock.now(), latestDigestDeliveryError: undefined };
    await this.opts.commit(trail, [plan.region], patch, events, completeDigest(plan, written));
  }
}

/** The final digest ends when the chain closed, to the next second, and never where it starts. */
function finalEnd(head: DigestHead, chain: DigestChain): number {
  const closed = Math.ceil((chain.closedMs ?? head.windowStartMs) / 1000) * 1000;
  return Math.max(closed, head.windowStartMs + 1000);
}
