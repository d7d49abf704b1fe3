// Deterministic policy text of any size for benchmarks: a mix of every rule shape.
export function generatePolicySource(rules: number, seed: number): string {
  let state = seed >>> 0;
  const next = (n: number): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const sources = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];
  const reasons = ['duplicate', 'fraudulent', 'requested_by_customer', 'goodwill', 'product_not_received'];
  const lines = [
    'policy "generated" version 1',
    '',
    'roles support_lead < finance_manager < cfo',
    'otherwise require support_lead',
    '',
  ];
  for (let i = 0; i < rules; i++) {
    const amount = 10 + next(5000);
    const source = sources[next(4)];
    switch (next(5)) {
      case 0:
        lines.push(`rule r${i}:`, `  refunds from ${source} over $${amount} when customer tenure under ${1 + next(90)} days require finance_manager`, '');
        break;
      case 1:
        lines.push(`rule r${i}:`, `  block refunds from ${source} over $${amount + 1000} when reason is ${reasons[next(5)]}`, '');
        break;
      case 2:
        lines.push(`rule r${i}:`, `  flag refunds when customer refunds in last ${1 + next(60)} days at least ${1 + next(7)} and amount over $${amount}`, '');
        break;
      case 3:
        lines.push(`rule r${i}:`, `  refunds in EUR over €${amount} when charge age over ${next(200)} days require 2 approvals from cfo`, '');
        break;
      default:
        lines.push(`rule r${i}:`, `  allow refunds from ${source} up to $${1 + next(300)} unless reason in [${reasons[next(5)]}, ${reasons[next(5)]}]`, '');
    }
  }
  return `${lines.join('\n')}\n`;
}
