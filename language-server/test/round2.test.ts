// The language server on the round 2 additions (docs/language.md): completion of lists, velocity
// subjects, time comparators and day names; hover on lists, times, zones and the new subjects;
// semantic tokens for list names and times.
import { describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver';
import { hover } from '../src/features/hover.js';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../src/features/semanticTokens.js';
import { policyDocument } from '../src/PolicyDocument.js';
import { labels } from './helpers/complete.js';
import { at } from './helpers/fixture.js';

const POLICY = `policy "test" version 1
timezone "Europe/Berlin"
roles support_lead < finance_manager
lists vip_customers, trainees
`;
const rule = (statement: string) => `${POLICY}\nrule r:\n  ${statement}`;

describe('completion', () => {
  it('offers lists and timezone as items', () => {
    expect(labels(`policy "t" version 1\n|`)).toEqual(expect.arrayContaining(['lists', 'timezone']));
    expect(labels(`${POLICY}|`)).toContain('lists');
    expect(labels(`${POLICY}|`)).not.toContain('timezone');
  });

  it('offers the new subjects', () => {
    const subjects = labels(rule('flag refunds when |'));
    for (const phrase of ['customer', 'requested by', 'local time', 'weekday', 'customer refunded in last N days', 'source refunds in last N hours', 'source refunded in last N hours', 'merchant refunds in last N days', 'merchant refunded in last N days']) {
      expect(subjects).toContain(phrase);
    }
  });

  it('offers `in list` and then the declared lists', () => {
    expect(labels(rule('flag refunds when customer |'))).toEqual(expect.arrayContaining(['in list', 'not in list']));
    expect(labels(rule('flag refunds when customer in list |'))).toEqual(['vip_customers', 'trainees']);
  });

  it('offers time comparators and day names', () => {
    expect(labels(rule('flag refunds when local time |'))).toEqual(expect.arrayContaining(['before', 'after', 'at', 'between']));
    expect(labels(rule('flag refunds when weekday is |'))).toEqual(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'not']);
  });

  it('offers the window unit of a velocity subject', () => {
    expect(labels(rule('block refunds when source refunded in last 1 |'))).toEqual(['days', 'hours']);
  });
});

function hoverText(fixture: string): string {
  const cursor = at(fixture);
  const result = hover(cursor.document, cursor.position);
  return (result?.contents as MarkupContent | undefined)?.value ?? '';
}

describe('hover', () => {
  it('explains a list where it is declared and where it is tested', () => {
    expect(hoverText(rule('flag refunds when customer in list vip_cu|stomers'))).toMatch(/^\*\*list\*\* `vip_customers` — declared, tested 1 time/);
    expect(hoverText(rule('flag refunds when customer in list nope|'))).toContain('not declared');
  });

  it('explains times of day, the zone and the new subjects', () => {
    expect(hoverText(rule('flag refunds when local time after 22:|00'))).toContain('minute 1320 of the day');
    expect(hoverText(rule('flag refunds when local time after 22:|00'))).toContain('Europe/Berlin');
    expect(hoverText(`policy "t" version 1\ntimezone "Europe/Ber|lin"\n`)).toMatch(/^\*\*time zone\*\* `Europe\/Berlin`/);
    expect(hoverText(rule('block refunds when source refun|ded in last 1 hour over $5,000'))).toContain('Reads `source_refunded_last_1_hours`');
    expect(hoverText(rule('flag refunds when requested b|y is ann'))).toContain('Reads `requested_by`');
  });
});

describe('semantic tokens', () => {
  it('marks list names as variables, times as numbers, in list and before as operators', () => {
    const text = `${POLICY}rule r:\n  flag refunds when customer in list vip_customers or local time before 06:00\n`;
    const document = policyDocument(text);
    const data = semanticTokens(document).data;
    const out: string[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < data.length; i += 5) {
      const [deltaLine, deltaStart, length, type] = data.slice(i, i + 4) as [number, number, number, number];
      line += deltaLine;
      character = deltaLine === 0 ? character + deltaStart : deltaStart;
      const start = document.offsetAt({ line, character });
      out.push(`${text.slice(start, start + length)}:${SEMANTIC_TOKENS_LEGEND.tokenTypes[type]}`);
    }
    expect(out).toEqual(expect.arrayContaining(['timezone:keyword', '"Europe/Berlin":string', 'vip_customers:variable', 'list:operator', 'before:operator', '06:00:number', 'local:property', 'time:property']));
  });
});
