// `timezone "NAME"` names an IANA time zone the platform knows (`Europe/Berlin`, `UTC`).
// docs/language.md, "Round 2 additions > Declarations"
import { isKnownTimeZone } from '@axiru/runtime';
import type { Check } from './Check.js';
import { suggest } from '../semantics/suggest.js';

/** Zones offered as suggestions; Intl knows them all. */
function knownZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  return supported ? [...supported('timeZone'), 'UTC'] : ['UTC'];
}

export const TimezoneCheck: Check = {
  name: 'TimezoneCheck',
  run({ scope, report }) {
    for (const declaration of scope.timezones) {
      const zone = declaration.zone;
      if (!zone || (zone.value !== '' && isKnownTimeZone(zone.value))) continue;
      const guess = suggest(zone.value, knownZones());
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
