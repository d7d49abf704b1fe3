// The server's clock: wall-clock time that never steps. The system's wall clock can be stepped
// (an NTP correction, a VM resumed, an operator's `date -s`); read directly, a step back by an
// hour would give received_at an hour before the record sealed a moment earlier, reopen
// idempotency and expiry windows, and expire nothing for an hour. This clock starts at the wall
// clock and advances with the monotonic clock, which steps never move; when the wall clock is
// found to have moved away (a step), it converges on it from the next reading on by running at most SLEW faster or slower
// (10%: an hour's step back is absorbed over ten hours, during which time runs at 0.9x). It never
// goes back, and between two readings it advances by at least (1 - SLEW) and at most (1 + SLEW)
// times the time that really passed. A wall clock ahead by more than a day (a machine that
// booted with a wrong clock and was then set right) is joined at once: forward only.

export interface ClockSources {
  /** Milliseconds since the epoch, as the system's wall clock says (may step). */
  wallMs(): number;
  /** Milliseconds from an arbitrary origin, never stepped (performance.now, CLOCK_MONOTONIC). */
  monotonicMs(): number;
}

export const SYSTEM_CLOCK_SOURCES: ClockSources = {
  wallMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** How much faster or slower than real time the clock may run while it converges on the wall clock. */
export const SLEW = 0.1;
/** A wall clock this far ahead is joined at once rather than slewed to. */
export const JUMP_AHEAD_MS = 86_400_000;

/** A `() => Date` that follows the wall clock without ever stepping back (see above). */
export function steadyClock(sources: ClockSources = SYSTEM_CLOCK_SOURCES): () => Date {
  let lastMono = sources.monotonicMs();
  let last = sources.wallMs();
  /** Whether the previous reading found the wall clock elsewhere (a step seen, not yet absorbed). */
  let off = false;
  return () => {
    const mono = sources.monotonicMs();
    const elapsed = Math.max(0, mono - lastMono);
    const wall = sources.wallMs();
    let next = last + elapsed;
    const behind = wall - next;
    if (behind > JUMP_AHEAD_MS) next = wall;
    // Slewing counts only time since a reading first saw the step: after a long quiet spell the
    // step may have happened a moment ago, and the whole spell must not be spent catching up.
    else if (off) next += Math.max(-elapsed * SLEW, Math.min(elapsed * SLEW, behind));
    off = Math.abs(wall - next) >= 1;
    lastMono = mono;
    last = Math.max(last, next);
    return new Date(Math.floor(last));
  };
}
