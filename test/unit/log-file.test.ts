import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LogFileBuilder } from '../../src/delivery/log-file.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Builds a file from `records`, flushing after the record indexes in `flushAfter`. */
async function build(records: string[], flushAfter: Set<number>): Promise<{ body: Buffer; sha256: string }> {
  const file = new LogFileBuilder();
  records.forEach((r, i) => {
    file.add(Buffer.from(r));
    if (flushAfter.has(i)) file.flush();
  });
  const done = file.finish();
  return { body: await done.body, sha256: done.sha256 };
}

describe('log file builder', () => {
  const records = [
    '{"eventName":"A"}',
    '{"userAgent":"é ü 日本 🚀"}',
    '{"eventName":"C","requestParameters":{"key":"a,b"}}',
    '{}',
    '{"eventName":"E"}',
  ];
  const text = `{"Records":[${records.join(',')}]}`;

  for (const [name, flushes] of [
    ['no flush before finish', []],
    ['flush after every record', [0, 1, 2, 3, 4]],
    ['flush after the first record only', [0]],
    ['flushes in the middle, one empty', [1, 1, 3]],
  ] as const) {
    test(`${name}: the text is {"Records":[...]} of the records byte for byte`, async () => {
      const file = await build(records, new Set(flushes));
      assert.equal(gunzipSync(file.body).toString(), text);
      assert.equal(file.sha256, sha256(text));
      // One-shot gzip of the whole text gives the same bytes however the text was split.
      assert.ok(file.body.equals(gzipSync(Buffer.from(text), { level: 6 })));
    });
  }

  test('a file without records is {"Records":[]}', async () => {
    const file = await build([], new Set());
    assert.equal(gunzipSync(file.body).toString(), '{"Records":[]}');
    assert.equal(file.sha256, sha256('{"Records":[]}'));
  });
});
