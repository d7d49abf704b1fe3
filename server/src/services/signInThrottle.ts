// Password guessing on POST /api/session is slowed down two ways: an account (by email) locks
// for a while after a run of wrong passwords, the lock doubling with each further run; and one
// client address may only fail so often in a window, whichever accounts it tries. The answer
// while throttled is the same whether or not the email belongs to anyone, so the throttle
// reveals no more than a wrong password does.
//
// The counters live in this process's memory: a restart forgets them, and several server
// instances would each count on their own (a shared store would be needed then).

import { ApiError } from '../errors.js';

export interface ThrottleLimits {
  /** Wrong passwords in a row after which an account locks. */
  readonly failuresBeforeLock: number;
  /** The first lock; each further run of failures doubles it, up to maxLockMs. */
  readonly firstLockMs: number;
  readonly maxLockMs: number;
  /** Failures one address may make per window, across all accounts. */
  readonly failuresPerAddress: number;
  readonly addressWindowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  failuresBeforeLock: 5,
  firstLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  failuresPerAddress: 30,
  addressWindowMs: 15 * 60_000,
};

interface AccountState {
  failures: number;
  locks: number;
  lockedUntil: number;
}

interface AddressState {
  failures: number;
  windowStart: number;
}

export class SignInThrottle {
  private readonly accounts = new Map<string, AccountState>();
  private readonly addresses = new Map<string, AddressState>();

  constructor(private readonly clock: () => Date, private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {}

  /** Throws a 429 when this account or address must wait; `retryAfterSeconds` says how long. */
  check(email: string, address: string): void {
    const now = this.clock().getTime();
    const account = this.accounts.get(accountKey(email));
    const addressState = this.addresses.get(address);
    let waitMs = 0;
    if (account && account.lockedUntil > now) waitMs = account.lockedUntil - now;
    if (addressState && now - addressState.windowStart < this.limits.addressWindowMs
      && addressState.failures >= this.limits.failuresPerAddress) {
      waitMs = Math.max(waitMs, addressState.windowStart + this.limits.addressWindowMs - now);
    }
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new ApiError(429, 'too_many_attempts',
        `Too many failed sign-ins; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, null, { retry_after_seconds: seconds });
    }
  }

  failed(email: string, address: string): void {
    const now = this.clock().getTime();
    this.prune(now);
    const key = accountKey(email);
    const account = this.accounts.get(key) ?? { failures: 0, locks: 0, lockedUntil: 0 };
    account.failures += 1;
    if (account.failures >= this.limits.failuresBeforeLock) {
      account.lockedUntil = now + Math.min(this.limits.firstLockMs * 2 ** account.locks, this.limits.maxLockMs);
      account.locks += 1;
      account.failures = 0;
    }
    this.accounts.set(key, account);
    const addressState = this.addresses.get(address);
    if (!addressState || now - addressState.windowStart >= this.limits.addressWindowMs) {
      this.addresses.set(address, { failures: 1, windowStart: now });
    } else {
      addressState.failures += 1;
    }
  }

  /** A correct password clears the account's count (an address's failures still stand). */
  succeeded(email: string): void {
    this.accounts.delete(accountKey(email));
  }

  /** Forgets what can no longer matter, so the maps stay as small as the recent failures. */
  private prune(now: number): void {
    if (this.accounts.size + this.addresses.size < 10_000) return;
    for (const [key, account] of this.accounts) {
      if (account.lockedUntil + this.limits.maxLockMs <= now) this.accounts.delete(key);
    }
    for (const [key, state] of this.addresses) {
      if (now - state.windowStart >= this.limits.addressWindowMs) this.addresses.delete(key);
    }
  }
}

function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
