/**
 * The chunk files under `<dir>`: written in `tmp/`, fsynced, then renamed into
 * `blobs/<xx>/<name>` (and the directory fsynced) before any metadata points at them, so a name
 * in metadata always means a complete, durable file. Names are random and never reused, so
 * replacing a key never touches a file a reader may hold. Files that lost their last reference
 * are removed once no reader has them pinned; whatever a crash leaves behind (temp files,
 * published files whose metadata never committed, superseded files not yet removed) is swept
 * at open.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export class ChunkFiles {
  private readonly pins = new Map<string, number>();
  /** Unreferenced files still being read: removed at their last unpin. */
  private readonly doomed = new Set<string>();

  private constructor(
    private readonly tmpDir: string,
    private readonly blobsDir: string,
  ) {}

  /** Prepares the directories and removes every file `isReferenced` does not claim. */
  static async open(dir: string, isReferenced: (name: string) => boolean): Promise<ChunkFiles> {
    const files = new ChunkFiles(join(dir, 'tmp'), join(dir, 'blobs'));
    await rm(files.tmpDir, { recursive: true, force: true });
    await mkdir(files.tmpDir, { recursive: true });
    await Promise.all(
      Array.from({ length: 256 }, (_, i) => mkdir(join(files.blobsDir, i.toString(16).padStart(2, '0')), { recursive: true })),
    );
    await syncDir(files.blobsDir);
    await files.sweep(isReferenced);
    return files;
  }

  /** A fresh name and the temp path to write it at. */
  newTemp(): { name: string; tempPath: string } {
    const name = randomBytes(16).toString('hex');
    return { name, tempPath: join(this.tmpDir, name) };
  }

  /** Moves a fully written, fsynced temp file into place durably. */
  async publish(name: string): Promise<void> {
    const subdir = join(this.blobsDir, name.slice(0, 2));
    await rename(join(this.tmpDir, name), join(subdir, name));
    await syncDir(subdir);
  }

  async discardTemp(name: string): Promise<void> {
    await rm(join(this.tmpDir, name), { force: true });
  }

  path(name: string): string {
    return join(this.blobsDir, name.slice(0, 2), name);
  }

  pin(names: readonly string[]): void {
    for (const n of names) this.pins.set(n, (this.pins.get(n) ?? 0) + 1);
  }

  unpin(names: readonly string[]): void {
    for (const n of names) {
      const left = (this.pins.get(n) ?? 1) - 1;
      if (left > 0) {
        this.pins.set(n, left);
        continue;
      }
      this.pins.delete(n);
      if (this.doomed.delete(n)) this.remove(n);
    }
  }

  /**
   * Removes files metadata no longer references (call after the commit that dropped them).
   * Removal is best effort: a failure leaves an orphan the next open sweeps.
   */
  release(names: readonly string[], isReferenced: (name: string) => boolean): void {
    for (const n of names) {
      if (isReferenced(n)) continue;
      if (this.pins.has(n)) this.doomed.add(n);
      else this.remove(n);
    }
  }

  private remove(name: string): void {
    unlink(this.path(name)).catch(() => undefined);
  }

  private async sweep(isReferenced: (name: string) => boolean): Promise<void> {
    for (const subdir of await readdir(this.blobsDir)) {
      const names = await readdir(join(this.blobsDir, subdir));
      await Promise.all(names.filter((n) => !isReferenced(n)).map((n) => unlink(join(this.blobsDir, subdir, n))));
    }
  }
}

/** fsync a directory so a rename or creation in it survives power loss. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
