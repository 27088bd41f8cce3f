/**
 * One in-memory change with its undo and its SQL: the IAM directory's methods record each map
 * edit here and hand back a Staged (changes to commit with the call's event, rollback to undo
 * the edits newest first if that commit fails).
 */
import type { StateChange } from '../store/state-change.js';
import type { Staged } from '../trails/registry.js';

/**
 * Collects one mutation's in-memory edits (with their undos) and SQL, so every method reads as
 * a list of puts and hands back a Staged.
 */
export class Edit {
  readonly changes: StateChange[] = [];
  private readonly undos: Array<() => void> = [];

  /** Sets (or, value undefined, deletes) `map[key]`, remembering what was there. */
  set<V>(map: Map<string, V>, key: string, value: V | undefined): void {
    const had = map.has(key);
    const previous = map.get(key);
    if (value === undefined) map.delete(key);
    else map.set(key, value);
    this.undos.push(() => (had ? map.set(key, previous as V) : map.delete(key)));
  }

  /** `set` on `outer[k1]`, created if missing. */
  put<V>(outer: Map<string, Map<string, V>>, k1: string, k2: string, value: V | undefined): void {
    let inner = outer.get(k1);
    if (!inner) outer.set(k1, (inner = new Map()));
    this.set(inner, k2, value);
  }

  sql(...changes: StateChange[]): this {
    this.changes.push(...changes);
    return this;
  }

  undo(fn: () => void): void {
    this.undos.push(fn);
  }

  staged(): Staged {
    return { changes: this.changes, rollback: () => this.undos.splice(0).reverse().forEach((u) => u()) };
  }
}
