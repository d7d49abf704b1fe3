// A rule in one plain sentence, as a finance lead would say it: "Holds refunds for approval by
// finance_manager when amount over $150.00." Read from the IR when the policy compiles (the
// normalized condition, in the runtime's own words); from the syntax tree when it does not.
import { approvalText, conditionText, type Outcome, type PolicyIR, type RuleIR } from '@axiru/runtime';
import { printStatement, type RuleDecl } from '@axiru/compiler';

export interface RuleSummary {
  readonly outcome: Outcome | null;
  readonly sentence: string;
  readonly reason: string | null;
}

export function ruleSummary(rule: RuleDecl, ir: PolicyIR | null): RuleSummary {
  const compiled = rule.name ? ir?.rules.find((r) => r.id === rule.name!.text) : undefined;
  if (compiled && ir) return { outcome: compiled.outcome, sentence: irSentence(compiled, ir), reason: compiled.reason };
  const statement = rule.statement;
  if (!statement) return { outcome: null, sentence: 'An incomplete rule.', reason: rule.because?.value ?? null };
  const outcome: Outcome = statement.verb === 'require' ? 'pending_approval' : statement.verb;
  const text = printStatement(statement);
  return { outcome, sentence: `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}.`, reason: rule.because?.value ?? null };
}

function irSentence(rule: RuleIR, ir: PolicyIR): string {
  const condition = rule.condition.op === 'true' ? 'every refund' : `refunds when ${conditionText(rule.condition, ir.facts)}`;
  switch (rule.outcome) {
    case 'block':
      return `Blocks ${condition}.`;
    case 'flag':
      return `Flags ${condition}.`;
    case 'allow':
      return `Allows ${condition}, unless a stronger rule matches.`;
    case 'pending_approval':
      return `Holds ${condition} for approval by ${rule.approval ? approvalText(rule.approval) : 'a role'}.`;
  }
}
