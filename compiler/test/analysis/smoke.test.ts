import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { analyzeRulesReport, diffPolicies, satisfiable } from '../../src/analysis/index.js';

test('smoke', () => {
  const acme = JSON.parse(readFileSync(new URL('../../../runtime/test/fixtures/acme.ir.json', import.meta.url), 'utf8'));
  console.log(JSON.stringify(analyzeRulesReport(acme), null, 1));
  console.log(JSON.stringify(analyzeRulesReport({ ...acme, default: { outcome: 'allow' } }), null, 1));
  const b = JSON.parse(JSON.stringify(acme));
  b.rules[0].condition.value.minor = 20000;
  console.log(JSON.stringify(diffPolicies(acme, b), null, 1));
  console.log(JSON.stringify(diffPolicies(acme, acme)));
  console.log(JSON.stringify(satisfiable(acme.rules[2].condition)));
});
