/**
 * The pieces under validate-logs: first-member gzip streaming (where a member ends, trailing
 * bytes, truncation, corruption, at every chunk boundary), time parsing, digest key helpers, the
 * ordered queue and the progress line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { inflateFirstMember, GzipFormatError } from '../../src/validate/gzip-member.js';
import { parseUserTime } from '../../src/validate/time.js';
import { keyStamp, takeLast } from '../../src/validate/digest-list.js';
import { OrderedQueue, Slots } from '../../src/validate/ordered.js';
import { ProgressSink } from '../../src/validate/progress.js';
import type { RunInfo, Summary, ValidationEvent, ValidationSink } from '../../src/validate/events.js';

const chunked = (b: Buffer, size: number) =>
  size >= b.length ? [b] : Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size));

async function inflate(gz: Buffer, size: number) {
  const hash = createHash('sha256');
  const end = await inflateFirstMember(chunked(gz, size), (c) => hash.update(c));
  return { ...end, hash: hash.digest('hex') };
}

const sample = (bytes: number) => {
  const data = Buffer.concat([randomBytes(bytes), Buffer.alloc(bytes * 3, 'x')]);
  return { data, gz: gzipSync(data), want: createHash('sha256').update(data).digest('hex') };
};

describe('inflateFirstMember', () => {
  const { gz, want } = sample(70_000);

  for (const size of [1, 13, 4096, Infinity]) {
    test(`chunks of ${size} bytes`, async () => {
      // One write per chunk goes through the thread pool: byte-sized chunks get a small file.
      const { gz, want } = size < 100 ? sample(2000) : sample(70_000);
      assert.deepEqual(await inflate(gz, size), { complete: true, trailing: 0, hash: want });
      assert.deepEqual(await inflate(Buffer.concat([gz, Buffer.alloc(5)]), size), { complete: true, trailing: 5, hash: want });
      assert.deepEqual(await inflate(Buffer.concat([gz, gzipSync('more')]), size), { complete: true, trailing: gzipSync('more').length, hash: want });
      assert.deepEqual(await inflate(gz.subarray(0, gz.length - 4), size), { complete: false, trailing: 0, hash: want });
      const badCrc = Buffer.from(gz);
      badCrc[badCrc.length - 8]! ^= 1;
      await assert.rejects(inflate(badCrc, size), GzipFormatError);
    });
  }

  test('a member ending exactly at a chunk boundary, then more bytes', async () => {
    const end = gz.length - 8;
    const glued = Buffer.concat([gz, Buffer.from('tail')]);
    const r = await inflateFirstMember([glued.subarray(0, end), glued.subarray(end, end + 3), glued.subarray(end + 3)], () => undefined);
    assert.deepEqual(r, { complete: true, trailing: 4 });
  });

  test('not gzip, corrupt deflate data, header with name and extra fields', async () => {
    await assert.rejects(inflate(Buffer.from('plain text'), 4), /incorrect header check/);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 100, 140);
    await assert.rejects(inflate(corrupt, 1000));
    // FEXTRA + FNAME + FCOMMENT: flags 4|8|16, XLEN 3.
    const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 28, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3]), Buffer.from('name\0comment\0')]);
    const named = Buffer.concat([header, gz.subarray(10)]);
    assert.deepEqual(await inflate(named, 7), { complete: true, trailing: 0, hash: want });
  });
});

describe('parseUserTime', () => {
  test('accepts what people type, UTC unless an offset is given', () => {
    const t = Date.UTC(2026, 0, 1, 10, 0, 0);
    for (const text of ['2026-01-01T10:00:00Z', '2026-01-01 10:00', '2026-01-01T10:00', '20260101T100000Z', '20260101T10:00:00Z', '2026-01-01T12:00:00+02:00', '2026-01-01T10:00:00.000Z']) {
      assert.equal(parseUserTime(text).getTime(), t, text);
    }
    assert.equal(parseUserTime('2026-01-01').getTime(), Date.UTC(2026, 0, 1));
    assert.equal(parseUserTime('2026-01-01T10:00:00.250Z').getTime(), t + 250);
    for (const bad of ['yesterday', '2026-13-01', '2026-02-30', '2026-01-01T25:00', '']) {
      assert.throws(() => parseUserTime(bad), { message: `Unable to parse date value: ${bad}` });
    }
  });
});

describe('digest keys', () => {
  const key = (stamp: string, backfill = false) => `AWSLogs/1/CloudTrail-Digest/r/2026/01/01/1_CloudTrail-Digest_r_t_r_${stamp}${backfill ? '_backfill' : ''}.json.gz`;
  test('stamps by position, standard and backfill', () => {
    assert.equal(keyStamp(key('20260101T010131Z')), '20260101T010131Z');
    assert.equal(keyStamp(key('20260101T010131Z', true)), '20260101T010131Z');
  });
  test('takeLast: the newest, or the newest older than a key, dropping what it passes', () => {
    const keys = [key('20260101T010000Z'), key('20260101T020000Z'), key('20260101T030000Z')];
    assert.equal(takeLast(keys)?.key, key('20260101T030000Z'));
    assert.equal(takeLast(keys, key('20260101T020000Z'))?.key, key('20260101T010000Z'));
    assert.deepEqual(keys, []);
    assert.equal(takeLast(keys, 'not a digest key'), undefined);
  });
});

describe('ordering and progress', () => {
  test('OrderedQueue yields in push order; Slots bounds concurrency', async () => {
    const q = new OrderedQueue<number>();
    const slots = new Slots(3);
    let running = 0;
    let peak = 0;
    const producing = (async () => {
      for (let i = 0; i < 20; i++) {
        await slots.acquire();
        running++;
        peak = Math.max(peak, running);
        q.push(
          new Promise<number>((r) => setTimeout(() => r(i), (i * 7) % 5)).finally(() => {
            running--;
            slots.release();
          }),
        );
      }
      q.close();
    })();
    const got: number[] = [];
    for await (const n of q) got.push(n);
    await producing;
    assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(peak, 3);
  });

  test('a failure reaches the consumer in turn, after what came before it', async () => {
    const q = new OrderedQueue<number>();
    q.push(1);
    q.push(Promise.reject(new Error('boom')));
    q.push(3);
    q.close();
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const n of q) got.push(n);
      })(),
      /boom/,
    );
    assert.deepEqual(got, [1]);
  });

  test('the progress line counts files and bytes and is erased before report lines', async () => {
    let time = 1000;
    let tty = '';
    const erased: boolean[] = [];
    const inner: ValidationSink = { start: () => undefined, event: () => void erased.push(tty.endsWith('\r\x1b[K')), finish: () => undefined };
    const p = new ProgressSink(inner, { write: (s: string) => (tty += s) }, () => time, 1);
    p.start({} as RunInfo);
    await new Promise((r) => setTimeout(r, 20));
    p.event({ type: 'file', kind: 'digest', backfill: false, bucket: 'b', key: 'd' } satisfies ValidationEvent);
    await new Promise((r) => setTimeout(r, 20));
    p.event({ type: 'file', kind: 'log', backfill: false, bucket: 'b', key: 'l' });
    p.onBytes(3 * 1024 * 1024);
    time += 2000;
    assert.equal(p.line(), '1 digest files, 1 log files, 3.0 MB read, 1.5 MB/s');
    p.finish({} as Summary);
    assert.deepEqual(erased, [true, true]);
    assert.ok(tty.includes('0 digest files, 0 log files'));
    assert.ok(tty.endsWith('\r\x1b[K'));
  });
});
