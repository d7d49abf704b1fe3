// loadPolicy(): the one place that throws (on invalid IR), and what a loaded policy offers.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadPolicy, PolicyLoadError, type DecisionInput } from '@axiru/runtime';
import { acmeIR, always, policy, rule } from './helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loadPolicy', () => {
  it('throws a PolicyLoadError listing every validation message', () => {
    const ir = { ...acmeIR(), version: 0, hash: 'md5:x' };
    let caught: unknown;
    try {
      loadPolicy(ir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyLoadError);
    expect(caught).toBeInstanceOf(Error);
    const error = caught as PolicyLoadError;
    expect(error.name).toBe('PolicyLoadError');
    expect(error.errors).toEqual(['version: expected an integer of at least 1, got 0', 'hash: expected "sha256:" followed by 64 lower-case hex digits, got string "md5:x"']);
    expect(error.message).toBe(
      'invalid policy IR (2 errors):\n  - version: expected an integer of at least 1, got 0\n  - hash: expected "sha256:" followed by 64 lower-case hex digits, got string "md5:x"',
    );
  });

  it('refuses IR of another version', () => {
    expect(() => loadPolicy({ ...acmeIR(), ir_version: 3 })).toThrow('unsupported ir_version 3: this runtime reads ir_version 1 or 2');
  });

  it('shortens the message of a long list of errors, but keeps them all', () => {
    const rules = Array.from({ length: 15 }, () => rule('same', 'allow', always));
    const error = (() => {
      try {
        loadPolicy(policy(rules));
      } catch (caught) {
        return caught as PolicyLoadError;
      }
      throw new Error('expected a PolicyLoadError');
    })();
    expect(error.errors).toHaveLength(14);
    expect(error.message).toContain('invalid policy IR (14 errors):');
    expect(error.message).toContain('... and 4 more');
  });

  it('exposes the policy header and a frozen copy of the IR', () => {
    const acme = loadPolicy(acmeIR());
    expect(acme).toMatchObject({ policy: 'acme-refunds', version: 3, policyVersion: 'v3', hash: `sha256:${'0'.repeat(64)}`, engine: 'generated' });
    expect(acme.ir).toEqual(acmeIR());
    expect(Object.isFrozen(acme.ir)).toBe(true);
    expect(Object.isFrozen(acme)).toBe(true);
  });

  it('offers decide and explain as plain functions', () => {
    const { decide, explain } = loadPolicy(acmeIR());
    const input: DecisionInput = { amount_cents: 100 };
    expect(decide(input).matched_rule).toBe('routine');
    expect(explain(input).decision).toEqual(decide(input));
  });

  it('falls back to interpreting where `new Function` is forbidden, with the same decisions', () => {
    const generated = loadPolicy(acmeIR());
    vi.stubGlobal('Function', function forbidden() {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    const interpreted = loadPolicy(acmeIR());
    vi.unstubAllGlobals();
    expect(interpreted.engine).toBe('interpreted');
    for (const amount_cents of [100, 15001, 300000]) {
      const input = { amount_cents, customer_tenure_days: 3, source: 'ai_agent' };
      expect(interpreted.decide(input)).toEqual(generated.decide(input));
    }
  });
});
