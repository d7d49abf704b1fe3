import { expect, it } from 'vitest';
import { historyPaths, readSettings } from '../src/settings.js';

it('reads a path, a list of paths, or nothing', () => {
  expect(readSettings({ history: 'refunds.jsonl' })).toEqual({ history: 'refunds.jsonl' });
  expect(readSettings({ history: ['a.csv', '', 3, 'b.jsonl'] })).toEqual({ history: ['a.csv', 'b.jsonl'] });
  expect(readSettings({ history: '  ' })).toEqual({ history: null });
  expect(readSettings(null)).toEqual({ history: null });
  expect(readSettings({ history: { path: 'x' } })).toEqual({ history: null });
});

it('resolves relative paths against the workspace folder holding the policy', () => {
  const folders = ['file:///work/a', 'file:///work/b'];
  expect(historyPaths({ history: 'history/refunds.jsonl' }, 'file:///work/b/policies/p.axiru', folders)).toEqual(['/work/b/history/refunds.jsonl']);
  expect(historyPaths({ history: ['${workspaceFolder}/x.csv', '/abs/y.csv'] }, 'file:///work/a/p.axiru', folders)).toEqual(['/work/a/x.csv', '/abs/y.csv']);
});

it('falls back to the first folder, then to the policy’s own folder', () => {
  expect(historyPaths({ history: 'h.csv' }, 'file:///elsewhere/p.axiru', ['file:///work/a'])).toEqual(['/work/a/h.csv']);
  expect(historyPaths({ history: 'h.csv' }, 'file:///elsewhere/p.axiru', [])).toEqual(['/elsewhere/h.csv']);
  expect(historyPaths({ history: null }, 'file:///elsewhere/p.axiru', [])).toBeNull();
});
