/**
 * Event history keeps 90 days (configurable): older events are hidden at once and purged by the
 * retention job. Time is a ManualClock; the SDK signs with the same moved clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ManualClock } from '../../src/lib/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DAY = 86_400_000;

function syncedClient(server: TestServer, clock: ManualClock): { ct: CloudTrailClient; lookupIds(): Promise<string[]> } {
  const ct = server.cloudtrail();
  return {
    ct,
    async lookupIds() {
      // The SDK signs with its own clock plus this offset: keep it on the server's moved clock.
      ct.config.systemClockOffset = clock.now() - Date.now();
      const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }] }));
      return (out.Events ?? []).map((e) => e.EventId!);
    },
  };
}

async function storedCount(server: TestServer): Promise<number> {
  const page = await server.app.context.eventLog.lookup({
    accountId: server.accountId, region: 'us-east-1', category: 'management', startTimeMs: 0, endTimeMs: Number.MAX_SAFE_INTEGER, limit: 1000,
  });
  return page.events.length;
}

test('events are visible for 90 days, then hidden and purged', async () => {
  const clock = new ManualClock(Date.now());
  const server = await startTestServer({ clock });
  try {
    const { lookupIds } = syncedClient(server, clock);
    await lookupIds();
    const [first] = await lookupIds();
    assert.ok(first);
    clock.advance(89 * DAY);
    assert.ok((await lookupIds()).includes(first), 'visible after 89 days');
    clock.advance(2 * DAY);
    assert.ok(!(await lookupIds()).includes(first), 'hidden after 91 days, before any purge');
    const before = await storedCount(server);
    const purged = await server.app.purger.runOnce();
    assert.equal(purged, 2, 'the two day-0 events are purged');
    assert.equal(await storedCount(server), before - 2);
  } finally {
    await server.stop();
  }
});

test('the retention period is configurable', async () => {
  const clock = new ManualClock(Date.now());
  const server = await startTestServer({ clock, config: { retentionDays: 1 / 24 } });
  try {
    const { lookupIds } = syncedClient(server, clock);
    await lookupIds();
    clock.advance(30 * 60_000);
    assert.equal((await lookupIds()).length, 1, 'the first call is listed');
    clock.advance(31 * 60_000);
    assert.equal((await lookupIds()).length, 1, 'the first call aged out, the second remains');
    assert.equal(await server.app.purger.runOnce(), 1);
  } finally {
    await server.stop();
  }
});
