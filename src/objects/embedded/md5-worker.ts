/**
 * MD5 (the ETag) of large bodies on a thread of its own. MD5 is inherently sequential and costs
 * more CPU than the encryption itself, so hashing on the main thread would cap a PUT at one
 * core. Segments are handed over by transfer (no copy) in order, each body under its own id;
 * the worker acknowledges each one so a writer never runs more than MAX_QUEUED segments ahead
 * (memory stays bounded when the hash is the slowest stage). The worker is tiny and
 * self-contained, so it runs from source text (nothing to resolve from .ts or compiled .js).
 */
import { Worker } from 'node:worker_threads';

const MAX_QUEUED = 8;

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.kind === 'update') {
    let hash = hashes.get(m.id);
    if (!hash) hashes.set(m.id, (hash = createHash('md5')));
    hash.update(new Uint8Array(m.data, 0, m.length));
    parentPort.postMessage({ id: m.id, kind: 'ack' });
  } else if (m.kind === 'digest') {
    const digest = (hashes.get(m.id) || createHash('md5')).digest();
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, kind: 'digest', digest: digest.buffer.slice(digest.byteOffset, digest.byteOffset + 16) });
  } else {
    hashes.delete(m.id);
  }
});
`;

type Reply = { id: number; kind: 'ack' } | { id: number; kind: 'digest'; digest: ArrayBuffer };

interface JobState {
  queued: number;
  /** Set when the worker died: every later call fails with it. */
  error?: unknown;
  wake?: () => void;
  done?: { resolve(d: Buffer): void; reject(e: unknown): void };
}

/** One running hash in the worker. */
export interface Md5Job {
  /** Hashes `buffer[0..length)`, which is transferred (unusable afterwards); waits while the worker is behind. */
  update(buffer: Buffer, length: number): Promise<void>;
  digest(): Promise<Buffer>;
  cancel(): void;
}

export class Md5Worker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly jobs = new Map<number, JobState>();

  start(): Md5Job {
    const id = this.nextId++;
    const worker = this.ensure();
    const state: JobState = { queued: 0 };
    this.jobs.set(id, state);
    worker.ref(); // a body being hashed keeps the process alive; an idle worker does not
    return {
      update: async (buffer, length) => {
        if (state.error) throw state.error;
        // Only a buffer that owns its whole ArrayBuffer can be moved; anything else is copied.
        const owned = buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length && buffer.buffer instanceof ArrayBuffer;
        const data = owned ? buffer.buffer : new Uint8Array(buffer.subarray(0, length)).buffer;
        worker.postMessage({ kind: 'update', id, data, length }, [data as ArrayBuffer]);
        state.queued++;
        if (state.queued > MAX_QUEUED) await new Promise<void>((resolve) => (state.wake = resolve));
      },
      digest: () =>
        new Promise<Buffer>((resolve, reject) => {
          if (state.error) return reject(state.error);
          state.done = { resolve, reject };
          worker.postMessage({ kind: 'digest', id });
        }),
      cancel: () => {
        this.finish(worker, id);
        worker.postMessage({ kind: 'cancel', id });
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => this.receive(worker, reply));
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', () => this.fail(worker, new Error('the MD5 worker stopped')));
    this.worker = worker;
    return worker;
  }

  private receive(worker: Worker, reply: Reply): void {
    const state = this.jobs.get(reply.id);
    if (!state) return;
    if (reply.kind === 'ack') {
      state.queued--;
      if (state.wake && state.queued <= MAX_QUEUED / 2) {
        state.wake();
        state.wake = undefined;
      }
      return;
    }
    this.finish(worker, reply.id);
    state.done?.resolve(Buffer.from(reply.digest));
  }

  private finish(worker: Worker, id: number): void {
    this.jobs.delete(id);
    if (this.jobs.size === 0) worker.unref();
  }

  private fail(worker: Worker, err: unknown): void {
    if (this.worker !== worker) return;
    for (const state of this.jobs.values()) {
      state.error = err;
      state.done?.reject(err);
      state.wake?.();
    }
    this.jobs.clear();
    this.worker = undefined;
  }
}
