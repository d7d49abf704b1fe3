import type { Timers } from '../../src/index.js';

/**
 * Timers whose sleeps run `onSleep` (with the 1-based number of the sleep) instead of waiting,
 * and move the clock on by the time slept: the test acts while the client "waits".
 */
export function steppedTimers(
  onSleep: (call: number) => Promise<void> | void = () => undefined,
  startMs = 0,
): Timers & { sleeps: number[] } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      await onSleep(sleeps.length);
    },
  };
}
