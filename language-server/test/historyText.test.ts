import { expect, it } from 'vitest';
import { hitsText, moneyText, periodText, type HitReport } from '../src/features/historyText.js';

const report: HitReport = {
  refunds: 4310,
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-03-31T12:00:00.000Z',
  rules: { high_value: { matched: 82, decided: 61, amount: { usd: 1_824_000 } }, quiet: { matched: 0, decided: 0, amount: {} } },
};

it('reads like the lens in the issue', () => {
  expect(hitsText(report, 'high_value')).toBe('matched 82 of 4,310 refunds in the last 90 days · $18,240 · would decide 61');
  expect(hitsText(report, 'quiet')).toBe('matched 0 of 4,310 refunds in the last 90 days · would decide 0');
  expect(hitsText(report, 'not_replayed')).toBe('matched 0 of 4,310 refunds in the last 90 days · would decide 0');
});

it('keeps currencies apart, in the order of their codes, with cents only where there are some', () => {
  expect(moneyText({ usd: 1_824_000, eur: 31_050, jpy: 5000, kwd: 1250, gbp: 0 })).toBe('€310.50 + ¥5,000 + 1.250 KWD + $18,240');
});

it('measures the period from the first refund to the last', () => {
  expect(periodText({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T05:00:00Z' })).toBe(' in the last day');
  expect(periodText({ from: null, to: null })).toBe('');
});
