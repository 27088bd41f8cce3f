/**
 * Every trail of every account, in memory: loaded once at start-up, changed synchronously by the
 * CloudTrail handlers (JavaScript runs one handler step at a time, so later requests see a change
 * at once), and persisted through the StateChanges each change returns, which the pipeline commits
 * in the same transaction as the call's event (DESIGN invariant 1); `rollback` undoes the
 * in-memory change if that commit fails.
 *
 * The pipeline asks `selectsDataEvent` for every data event, so each trail's selectors are
 * compiled once and only logging trails of the record's account are consulted; delivery gets a
 * trail's intake from `intakeOf` once per pass.
 */
import type { CloudTrailRecord } from '../recorder/record.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';
import { deleteTrail, loadTrails, saveStatus, saveTrail } from './trail-rows.js';
import { compileIntake, trailTakes, type EntryPredicate } from './intake.js';
import { compileSelectors, type RecordPredicate } from './selectors.js';
import { visibleIn, type RegionDeliveryStatus, type Trail } from './trail.js';

/** A change made in memory, to be committed (`changes`) or undone (`rollback`). */
export interface Staged {
  changes: StateChange[];
  rollback(): void;
}

interface Entry {
  trail: Trail;
  selects: RecordPredicate;
}

const byArn = (a: Trail, b: Trail) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);

export class TrailRegistry {
  /** account → trail ARN → entry. */
  private readonly accounts = new Map<string, Map<string, Entry>>();
  /** account → its logging trails (the only ones selectsDataEvent looks at). */
  private readonly logging = new Map<string, Entry[]>();

  static load(db: SqliteDatabase): TrailRegistry {
    const registry = new TrailRegistry();
    for (const trail of loadTrails(db)) registry.install(trail);
    return registry;
  }

  get(accountId: string, arn: string): Trail | undefined {
    return this.accounts.get(accountId)?.get(arn)?.trail;
  }

  /** Every trail the account owns, by ARN. */
  trailsOf(accountId: string): Trail[] {
    return [...(this.accounts.get(accountId)?.values() ?? [])].map((e) => e.trail).sort(byArn);
  }

  /** The account's trails with a copy in `region`: home trails and shadows (reference §7.1). */
  visibleIn(accountId: string, region: string): Trail[] {
    return this.trailsOf(accountId).filter((t) => visibleIn(t, region));
  }

  /** The trail called `name` visible in `region` (names are unique there, shadows included). */
  findByName(accountId: string, region: string, name: string): Trail | undefined {
    return this.visibleIn(accountId, region).find((t) => t.name === name);
  }

  /** Creates or replaces a trail. */
  save(next: Trail): Staged {
    return this.swap(next.accountId, next.arn, next, saveTrail(next));
  }

  /** Replaces a trail whose only change is its status (StartLogging, delivery results). */
  saveStatus(next: Trail): Staged {
    return this.swap(next.accountId, next.arn, next, [saveStatus(next)]);
  }

  remove(accountId: string, arn: string): Staged {
    return this.swap(accountId, arn, undefined, deleteTrail(accountId, arn));
  }

  /** Merges what one region's delivery just did into the trail's status; undefined if it is gone. */
  recordDelivery(accountId: string, arn: string, region: string, patch: RegionDeliveryStatus): Staged | undefined {
    const trail = this.get(accountId, arn);
    if (!trail) return undefined;
    const delivery = { ...trail.status.delivery, [region]: { ...trail.status.delivery[region], ...patch } };
    return this.saveStatus({ ...trail, status: { ...trail.status, delivery } });
  }

  /**
   * Whether a logging trail of the record's account covers its region and selects it: the
   * pipeline keeps a data event only when this is true (data events exist only for trails).
   */
  selectsDataEvent(record: CloudTrailRecord): boolean {
    const entries = this.logging.get(record.recipientAccountId);
    if (!entries) return false;
    return entries.some((e) => trailTakes(e.trail, e.selects, record));
  }

  /** Which event log entries `trail` delivers (intake.ts); compiled per call, as cheap as a lookup. */
  intakeOf(trail: Trail): EntryPredicate {
    return compileIntake(trail);
  }

  private swap(accountId: string, arn: string, next: Trail | undefined, changes: StateChange[]): Staged {
    const previous = this.get(accountId, arn);
    if (next) this.install(next);
    else this.uninstall(accountId, arn);
    return {
      changes,
      rollback: () => {
        if (previous) this.install(previous);
        else this.uninstall(accountId, arn);
      },
    };
  }

  private install(trail: Trail): void {
    let trails = this.accounts.get(trail.accountId);
    if (!trails) this.accounts.set(trail.accountId, (trails = new Map()));
    const old = trails.get(trail.arn);
    // Selectors are replaced, never mutated, so an unchanged reference means unchanged selectors.
    const selects = old && old.trail.selectors === trail.selectors ? old.selects : compileSelectors(trail.selectors);
    trails.set(trail.arn, { trail, selects });
    this.indexLogging(trail.accountId);
  }

  private uninstall(accountId: string, arn: string): void {
    const trails = this.accounts.get(accountId);
    if (!trails?.delete(arn)) return;
    if (trails.size === 0) this.accounts.delete(accountId);
    this.indexLogging(accountId);
  }

  private indexLogging(accountId: string): void {
    const entries = [...(this.accounts.get(accountId)?.values() ?? [])].filter((e) => e.trail.status.isLogging);
    if (entries.length > 0) this.logging.set(accountId, entries);
    else this.logging.delete(accountId);
  }
}
