// Exact findings over the compiled rules (compiler/src/analysis): a rule that can never match
// (AX2001), a rule that never decides because stronger rules always match with it (AX2002),
// refunds in other currencies slipping past every threshold to `otherwise allow` (AX2003), and
// the questions the analysis had to leave open (AX2005).
// docs/language.md#precise-rules-where-the-prose-above-could-be-read-two-ways
import { formatMoney } from '@axiru/runtime';
import type { IrCheck } from './irChecks.js';

export const RuleAnalysisCheck: IrCheck = {
  name: 'RuleAnalysisCheck',
  run({ ir, sourceMap, scope, report, analyse }) {
    const analysis = analyse(ir);
    const ruleSpan = (id: string) => sourceMap.rules[id]?.name ?? null;
    for (const finding of analysis.findings) {
      switch (finding.kind) {
        case 'vacuous':
          report({
            code: 'AX2001',
            severity: 'warning',
            message:
              (scope.rules.get(finding.rule)?.statement?.unless.length ?? 0) > 0
                ? `rule \`${finding.rule}\` can never match: its \`unless\` exempts every refund it selects`
                : `rule \`${finding.rule}\` can never match any refund`,
            span: ruleSpan(finding.rule),
          });
          break;
        case 'shadowed': {
          const names = finding.by.map((r) => `\`${r}\``).join(', ');
          report({
            code: 'AX2002',
            severity: 'warning',
            message: `rule \`${finding.rule}\` can never decide the outcome: every refund it matches is also matched by ${names}, which win${finding.by.length === 1 ? 's' : ''}`,
            span: ruleSpan(finding.rule),
            related: finding.by.flatMap((r) => {
              const span = ruleSpan(r);
              return span ? [{ message: `\`${r}\` wins over it`, span }] : [];
            }),
            help: 'most restrictive wins, so the order of rules never matters: remove or narrow this rule',
          });
          break;
        }
        case 'currency_gap': {
          const example = finding.witness;
          const amount = typeof example.amount_cents === 'number' && typeof example.currency === 'string' ? formatMoney(example.amount_cents, example.currency) : 'any amount';
          const moneyRule = ir.rules.find((r) => JSON.stringify(r.condition).includes('"type":"money"'));
          report({
            code: 'AX2003',
            severity: 'warning',
            message: `amount thresholds cover only ${finding.currencies.join(', ')}: a refund in any other currency (for example ${amount}) matches no rule and falls to \`otherwise allow\``,
            span: sourceMap.default ?? (moneyRule ? ruleSpan(moneyRule.id) : sourceMap.header),
            witness: example,
            help: 'decide what other currencies get: `otherwise require ROLE`, a rule per currency, or `block refunds unless currency in [...]`',
          });
          break;
        }
      }
    }
    for (const open of analysis.inconclusive) {
      report({
        code: 'AX2005',
        severity: 'warning',
        message: open.rule ? `rule \`${open.rule}\` was not fully analysed: ${open.why}` : `the policy was not fully analysed: ${open.why}`,
        span: open.rule ? ruleSpan(open.rule) : sourceMap.header,
      });
    }
  },
};
