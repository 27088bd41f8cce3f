/**
 * The console's sign-in throttle: an address with too many recent failures waits until the oldest
 * leaves the window; a success clears its count; other addresses are not affected.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.js';
import { MAX_FAILURES, SignInThrottle, WINDOW_MS } from '../../src/console/signin-throttle.js';

test('failures inside the window lock an address out until the oldest ages out', () => {
  const clock = new ManualClock(1_000_000);
  const throttle = new SignInThrottle(clock);
  for (let i = 0; i < MAX_FAILURES - 1; i++) {
    throttle.failed('203.0.113.7');
    clock.advance(1000);
  }
  assert.equal(throttle.retryAfterSeconds('203.0.113.7'), undefined, 'one failure short of the limit may still try');
  throttle.failed('203.0.113.7');
  const wait = throttle.retryAfterSeconds('203.0.113.7');
  assert.equal(wait, (WINDOW_MS - (MAX_FAILURES - 1) * 1000) / 1000);
  assert.equal(throttle.retryAfterSeconds('198.51.100.1'), undefined, 'another address is not held back');
  clock.advance(wait! * 1000);
  assert.equal(throttle.retryAfterSeconds('203.0.113.7'), undefined, 'the oldest failure left the window');
  throttle.failed('203.0.113.7');
  assert.ok(throttle.retryAfterSeconds('203.0.113.7')! > 0, 'and one more failure fills it again');
  throttle.succeeded('203.0.113.7');
  assert.equal(throttle.retryAfterSeconds('203.0.113.7'), undefined, 'a success clears the count');
});
