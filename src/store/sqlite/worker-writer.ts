/**
 * Main-thread side of the event log's writer thread: sends write/purge requests to
 * writer-worker.ts and settles each caller's promise from the worker's reply. The worker keeps
 * the process alive only while requests are outstanding. If the worker dies, every outstanding
 * and later request fails with the reason.
 */
import { Worker } from 'node:worker_threads';
import type { OpenDatabaseOptions } from './database.js';
import type { PreparedAppend } from './event-writer.js';
import type { EventLogWriter } from './writer.js';

export interface WriterWorkerData {
  file: string;
  options: OpenDatabaseOptions;
}

export type WriterRequest =
  | { id: number; op: 'write'; groups: PreparedAppend[] }
  | { id: number; op: 'purge'; scope: number; beforeMs: number; max: number }
  | { id: number; op: 'close' };

export type WriterReply =
  | { id: number; ok: true; value: number }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

/** Distributes WriterRequest without its id (TS's Omit would collapse the union). */
type RequestBody = WriterRequest extends infer R ? (R extends WriterRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (value: number) => void;
  reject: (err: Error) => void;
}

export class WorkerWriter implements EventLogWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(file: string, options: OpenDatabaseOptions) {
    // Checkpoint less often than SQLite's 1000 pages: index pages dirtied by many commits are
    // then copied back once (measured ~20% more appends/s); the WAL stays under ~40 MB.
    const data: WriterWorkerData = { file, options: { walAutoCheckpointPages: 10_000, ...options } };
    this.worker = startWorker('writer-worker', data);
    this.worker.on('message', (reply: WriterReply) => this.onReply(reply));
    this.worker.on('error', (err: unknown) => this.fail(asError(err)));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.fail(new Error(`event log writer thread exited (code ${code})`));
        resolve();
      });
    });
    this.worker.unref();
  }

  async write(groups: PreparedAppend[]): Promise<void> {
    await this.call({ op: 'write', groups });
  }

  purgeChunk(scope: number, beforeMs: number, max: number): Promise<number> {
    return this.call({ op: 'purge', scope, beforeMs, max });
  }

  /** Closes the writer's connection and waits for the thread to end. */
  async close(): Promise<void> {
    // Stay referenced until 'exit': the connection's final checkpoint must not be cut short.
    this.closing = true;
    this.worker.ref();
    if (this.failure === undefined) await this.call({ op: 'close' });
    await this.exited;
  }

  private call(body: RequestBody): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...body, id } satisfies WriterRequest);
    });
  }

  private onReply(reply: WriterReply): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}

/** A worker's uncaught non-builtin error arrives as a plain object; keep its message and code. */
function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  const fields = typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : {};
  const message = typeof fields.message === 'string' ? fields.message : String(err);
  return Object.assign(new Error(`event log writer thread failed: ${message}`), fields);
}

/**
 * Starts a worker from a sibling module. Under tsx (tests, benchmarks) this module is a .ts file
 * and a worker does not inherit tsx's loader, so the worker first registers it.
 */
function startWorker(name: string, workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot =
    `import(${JSON.stringify(tsx)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
