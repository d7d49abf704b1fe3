// Literals mean exactly one thing: money in a known ISO 4217 currency with no more decimals
// than the currency has, whole percentages, whole approval counts of at least one, known
// currency codes after `in`. docs/language.md#literals
import { isKnownCurrency } from '@axiru/runtime';
import { visit } from '../ast.js';
import type { Check } from './Check.js';
import { readMoney, readPercent, readWhole } from '../semantics/literals.js';
import { suggest } from '../semantics/suggest.js';

const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD', 'AUD', 'CHF', 'CNY', 'SEK', 'NOK', 'DKK', 'PLN', 'INR', 'BRL', 'MXN', 'KRW', 'KWD', 'BHD'];

export const LiteralCheck: Check = {
  name: 'LiteralCheck',
  run({ file, report }) {
    visit(file, (node) => {
      switch (node.kind) {
        case 'Money': {
          const read = readMoney(node);
          if (read.ok) break;
          const unknownCurrency = !isKnownCurrency(node.currency);
          const guess = unknownCurrency ? suggest(node.currency, COMMON_CURRENCIES) : null;
          report({
            code: unknownCurrency ? 'AX1013' : read.reason.includes('larger') ? 'AX1021' : 'AX1014',
            severity: 'error',
            message: guess ? `${read.reason} — did you mean \`${guess}\`?` : read.reason,
            span: unknownCurrency && node.codeSpan ? node.codeSpan : node.span,
            ...(guess && node.codeSpan ? { fixes: [{ title: `Change to \`${guess}\``, span: node.codeSpan, replacement: guess }] } : {}),
          });
          break;
        }
        case 'CurrencyQualifier':
          for (const code of node.codes) {
            if (isKnownCurrency(code.text)) continue;
            const guess = suggest(code.text.toUpperCase(), COMMON_CURRENCIES);
            report({
              code: 'AX1013',
              severity: 'error',
              message: guess ? `\`${code.text}\` is not an ISO 4217 currency code — did you mean \`${guess}\`?` : `\`${code.text}\` is not an ISO 4217 currency code`,
              span: code.span,
              ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: code.span, replacement: guess }] } : {}),
            });
          }
          break;
        case 'Comparison': {
          // `currency is eur`: the value is a currency code, held upper-case in the IR.
          if (node.subject.field !== 'currency') break;
          for (const value of node.values) {
            const code = value.kind === 'Symbol' ? value.name : value.kind === 'StringValue' ? value.value : null;
            if (code === null || isKnownCurrency(code)) continue;
            const guess = suggest(code.toUpperCase(), COMMON_CURRENCIES);
            report({
              code: 'AX1013',
              severity: 'error',
              message: guess ? `\`${code}\` is not an ISO 4217 currency code — did you mean \`${guess}\`?` : `\`${code}\` is not an ISO 4217 currency code`,
              span: value.span,
              ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: value.span, replacement: guess }] } : {}),
            });
          }
          break;
        }
        case 'Percent': {
          const read = readPercent(node.digits);
          if (!read.ok) report({ code: 'AX1021', severity: 'error', message: read.reason, span: node.span, ...(read.help ? { help: read.help } : {}) });
          break;
        }
        case 'Approval': {
          if (!node.count) break;
          const count = readWhole(node.count.text);
          if (count === null || count < 1) {
            report({ code: 'AX1017', severity: 'error', message: `an approval count must be a whole number of at least 1, found \`${node.count.text}\``, span: node.count.span });
          } else if (count > 1 && node.form === 'approval_from') {
            report({
              code: 'AX1017',
              severity: 'error',
              message: `\`${node.count.text} approval\` needs the plural: \`${node.count.text} approvals\``,
              span: node.span,
            });
          }
          break;
        }
        default:
          break;
      }
    });
  },
};
