// Seeded inputs for the language server benchmark: a policy of any number of rules over every
// statement shape, so a run on one machine and a run on another measure the same text.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded policy of `count` rules over every statement shape, with a few examples. */
export function generatePolicy(count: number, seed: number): string {
  const random = mulberry32(seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]) => items[int(0, items.length - 1)]!;
  const sources = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];
  const reasons = ['duplicate', 'fraudulent', 'requested_by_customer', 'product_not_received'];
  const lines = [
    `policy "generated-${count}" version 1`,
    '',
    'roles support_lead < finance_manager < cfo',
    `sources ${sources.join(', ')}`,
    'otherwise require support_lead',
    '',
  ];
  for (let i = 0; i < count; i++) {
    const money = () => (random() < 0.8 ? `$${int(10, 5000)}` : `€${int(10, 5000)}`);
    const amount = money();
    const condition = pick([
      () => `customer tenure under ${int(1, 90)} days`,
      () => `reason is ${pick(reasons)}`,
      () => `customer refunds in last ${int(7, 60)} days at least ${int(1, 5)}`,
      () => `charge age over ${int(30, 180)} days`,
      () => `amount over ${int(50, 120)}% of charge amount`,
      () => `source in [${pick(sources)}, ${pick(sources)}]`,
    ])();
    const statement = pick([
      () => `refunds from ${pick(sources)} over ${amount} when ${condition} require ${pick(['support_lead', 'finance_manager', 'cfo'])}`,
      () => `block refunds over ${amount} when ${condition}`,
      () => `flag refunds when ${condition} and amount over ${amount}`,
      () => `allow refunds up to ${amount} unless ${condition}`,
      () => `refunds over ${amount} when ${condition} require 2 approvals from cfo`,
    ])();
    lines.push(`rule r${i}:`, `  ${statement}`, '');
  }
  for (let i = 0; i < 20; i++) {
    lines.push(`example "example ${i}" {`, `  amount: $${int(1, 6000)}, source: ${pick(sources)}, customer_tenure_days: ${int(1, 400)}, reason: ${pick(reasons)}`, `} expect ${pick(['allow', 'flag', 'pending_approval', 'block'])}`, '');
  }
  return lines.join('\n');
}
