/**
 * The event log's writer thread: owns the write connection and runs every insert and purge
 * transaction, one request at a time, in arrival order. Commits (and their fsync waits) happen
 * here so the main thread keeps serving requests; appends queue up meanwhile and arrive as the
 * next, larger group. Protocol: worker-writer.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { InlineWriter } from './writer.js';
import type { WriterReply, WriterRequest, WriterWorkerData } from './worker-writer.js';

const port = parentPort;
if (port === null) throw new Error('writer-worker must run as a worker thread');
const { file, options } = workerData as WriterWorkerData;
const db = openDatabase(file, options);
const writer = new InlineWriter(db);

port.on('message', (req: WriterRequest) => {
  void handle(req).then((reply) => {
    port.postMessage(reply);
    if (req.op === 'close') {
      db.close();
      port.close();
    }
  });
});

async function handle(req: WriterRequest): Promise<WriterReply> {
  try {
    switch (req.op) {
      case 'write':
        await writer.write(req.groups);
        return { id: req.id, ok: true, value: 0 };
      case 'purge':
        return { id: req.id, ok: true, value: await writer.purgeChunk(req.scope, req.beforeMs, req.max) };
      case 'close':
        return { id: req.id, ok: true, value: 0 };
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    const error = { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
    return { id: req.id, ok: false, error };
  }
}
