/** The wait before validating after a change: short for an isolated edit, the full debounce for a burst. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BURST_GAP_MS, MIN_TYPING_DEBOUNCE_MS, TYPING_DEBOUNCE_MS, ValidationScheduler, typingDelayMs } from 'image-manifest-language-server/out/server/validation-scheduler';

test('an isolated change waits about as long as the last validation took, within the bounds', () => {
  assert.equal(typingDelayMs(false, undefined, 0.3), MIN_TYPING_DEBOUNCE_MS);
  assert.equal(typingDelayMs(false, 5000, 42.2), 43);
  assert.equal(typingDelayMs(false, BURST_GAP_MS, 900), TYPING_DEBOUNCE_MS);
});

test('a change during a burst, or before any validation, waits the full debounce', () => {
  assert.equal(typingDelayMs(true, 5000, 0.3), TYPING_DEBOUNCE_MS, 'another change still waits');
  assert.equal(typingDelayMs(false, BURST_GAP_MS - 1, 0.3), TYPING_DEBOUNCE_MS, 'the previous change was a moment ago');
  assert.equal(typingDelayMs(false, 5000, undefined), TYPING_DEBOUNCE_MS);
  assert.equal(typingDelayMs(false, 5000, Number.NaN), TYPING_DEBOUNCE_MS);
});

test('the scheduler says whether a validation is waiting for its timer', async () => {
  const ran: string[] = [];
  const scheduler = new ValidationScheduler(async (uri) => void ran.push(uri), () => undefined);
  scheduler.schedule('a', 5);
  assert.equal(scheduler.isWaiting('a'), true);
  assert.equal(scheduler.isWaiting('b'), false);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(scheduler.isWaiting('a'), false);
  assert.deepEqual(ran, ['a']);
  scheduler.schedule('a', 0);
  assert.equal(scheduler.isWaiting('a'), false, 'an immediate validation does not wait');
  scheduler.dispose();
});
