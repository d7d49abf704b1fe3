// `timezone "NAME"` names an IANA time zone the platform knows (`Europe/Berlin`, `UTC`).
// docs/language.md, "Round 2 additions > Declarations"
import { isKnownTimeZone } from '@axiru/runtime';
import type { Check } from './Check.js';
import { suggest } from '../semantics/suggest.js';

/** Zones offered as suggestions; Intl knows them all. Listed once: the list is the platform's. */
let zones: string[] | undefined;

function knownZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  zones ??= supported ? [...supported('timeZone'), 'UTC'] : ['UTC'];
  return zones;
}

export const TimezoneCheck: Check = {
  name: 'TimezoneCheck',
  run({ scope, report }) {
    // A file may repeat one declaration many times: each name is looked up once.
    const looked = new Map<string, { readonly known: boolean; readonly guess: string | null }>();
    for (const declaration of scope.timezones) {
      const zone = declaration.zone;
      if (!zone) continue;
      let answer = looked.get(zone.value);
      if (answer === undefined) {
        const known = zone.value !== '' && isKnownTimeZone(zone.value);
        answer = { known, guess: known ? null : suggest(zone.value, knownZones()) };
        looked.set(zone.value, answer);
      }
      if (answer.known) continue;
      const guess = answer.guess;
      const replacement = guess ? JSON.stringify(guess) : null;
      report({
        code: 'AX1028',
        severity: 'error',
        message: guess ? `unknown time zone \`${zone.value}\` — did you mean \`${guess}\`?` : `unknown time zone \`${zone.value}\``,
        span: zone.span,
        help: 'write an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"',
        ...(replacement ? { fixes: [{ title: `Change to ${replacement}`, span: zone.span, replacement }] } : {}),
      });
    }
  },
};
