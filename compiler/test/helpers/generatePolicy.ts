// A generator of valid policies for property tests: random rules from the grammar with valid
// literals (money in the rule's one currency, ordered `between` bounds, declared roles and
// sources), in random layout with comments in random places. Every policy it makes compiles
// without errors when the static analysis is off (random conjunctions may be contradictory,
// which the analysis rightly reports as AX1011); `generatedPolicy` is the fast-check arbitrary.
import fc from 'fast-check';

/** A small deterministic PRNG (mulberry32), so a policy is reproducible from its seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    const n = Math.min(pool.length, this.int(min, max));
    for (let i = 0; i < n; i++) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0]!);
    return out;
  }
}

interface Currency {
  readonly code: string;
  readonly symbol: string | null;
  readonly decimals: number;
}

const CURRENCIES: readonly Currency[] = [
  { code: 'USD', symbol: '$', decimals: 2 },
  { code: 'EUR', symbol: '€', decimals: 2 },
  { code: 'GBP', symbol: '£', decimals: 2 },
  { code: 'JPY', symbol: '¥', decimals: 0 },
  { code: 'KWD', symbol: null, decimals: 3 },
  { code: 'CHF', symbol: null, decimals: 2 },
];

export const ROLES = ['support_lead', 'finance_manager', 'cfo', 'auditor'] as const;
const DEFAULT_SOURCES = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];
const DECLARED_SOURCES = ['web', 'phone', 'ai_agent', 'missing'];
const REASONS = ['duplicate_charge', 'fraudulent', 'requested_by_customer', 'missing', 'over', 'block', '"goodwill-2024"', '"a b"'];
const MERCHANTS = ['acct_1Nx', 'acct_2', 'acct_3Zz9'];
const RULE_NAMES = ['routine', 'high_value', 'bots', 'serial_refunder', 'block', 'over', 'missing', 'r_1', 'Review2', 'new_customers'];
const METADATA = ['metadata.ticket', 'metadata.order-id', 'metadata["order id"]', 'metadata.7'];
const TEXTS = ['"Z-1234"', '"phone"', '""', '"with \\"quotes\\""', '"#not a comment"'];
const COMMENT_TEXTS = ['# note', '#', '# why: the board said so', '#  $5 over "x" (', '# ## nested # marks'];

/** A money literal for `minor` units of the currency, in one of its spellings. */
function money(r: Random, currency: Currency, minor: number): string {
  const scale = 10 ** currency.decimals;
  const whole = Math.floor(minor / scale);
  let fraction = currency.decimals > 0 ? String(minor % scale).padStart(currency.decimals, '0') : '';
  if (r.bool()) fraction = fraction.replace(/0+$/, '');
  const wholeText = r.bool() ? String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(whole);
  const digits = fraction ? `${wholeText}.${fraction}` : wholeText;
  return currency.symbol && r.bool(0.7) ? `${currency.symbol}${digits}` : `${digits} ${currency.code}`;
}

function minor(r: Random): number {
  return r.pick([0, 1, 99, 100, 5000, 15000, 250000, r.int(0, 10_000_000)]);
}

function duration(r: Random, hours: number): string {
  if (hours === 24) return r.bool() ? '1 day' : '24 hours';
  return hours % 24 === 0 && r.bool() ? `${hours / 24} days` : `${hours} hours`;
}

type Kind = 'money' | 'duration' | 'count' | 'symbol' | 'text' | 'time';

interface Context {
  readonly r: Random;
  readonly currency: Currency;
  readonly sources: readonly string[];
  /** Whether the policy uses round 2: lists, velocity, local time, weekday, customer, requested by. */
  readonly round2: boolean;
}

// Round 2 vocabulary.
const LISTS = ['vip_customers', 'trainees', 'under_review'];
const PEOPLE = ['ann', 'bob', 'cus_1', '"odd-id 7"'];
const WEEKDAY_NAMES = ['monday', 'tuesday', 'friday', 'saturday', 'sunday'];
const ZONES = ['"Europe/Berlin"', '"UTC"', '"America/New_York"', '"Asia/Tokyo"'];

function timeOfDay(r: Random): string {
  const minutes = r.pick([0, 1, 359, 360, 720, 1319, 1320, 1439, r.int(0, 1439)]);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function window(r: Random): string {
  return r.bool() ? `${r.int(1, 90)} days` : r.pick(['1 day', `${r.int(1, 72)} hours`, '1 hour']);
}

/** A round 2 comparison: lists, time of day, weekday, velocity, customer and requester. */
function round2Comparison(ctx: Context): string {
  const { r } = ctx;
  switch (r.int(0, 7)) {
    case 0: {
      const listSubject = r.pick(['customer', 'merchant', 'source', 'reason', 'requested by', ...METADATA]);
      return `${listSubject} ${r.pick(['in list', 'not in list'])} ${r.pick(LISTS)}`;
    }
    case 1:
      return `local time ${r.pick(['before', 'after', 'at'])} ${timeOfDay(r)}`;
    case 2:
      // Either order: a later start wraps past midnight.
      return `local time between ${timeOfDay(r)} and ${timeOfDay(r)}`;
    case 3:
      return r.bool() ? `weekday ${r.pick(['is', 'is not'])} ${r.pick(WEEKDAY_NAMES)}` : `weekday ${r.pick(['in', 'not in'])} [${r.some(WEEKDAY_NAMES, 1, 3).join(', ')}]`;
    case 4:
      return `${r.pick(['customer refunded', 'source refunded', 'merchant refunded'])} in last ${window(r)} ${r.pick(['over', 'under', 'at least', 'at most', 'up to'])} ${money(r, ctx.currency, minor(r))}`;
    case 5:
      return `${r.pick(['source refunds', 'merchant refunds'])} in last ${window(r)} ${r.pick(['over', 'under', 'at least', 'at most', 'up to'])} ${r.int(0, 30)}`;
    default:
      return `${r.pick(['customer', 'requested by'])} ${r.pick(['is', 'is not'])} ${r.pick(PEOPLE)}`;
  }
}

function subject(ctx: Context): { text: string; kind: Kind; symbols?: readonly string[] } {
  const { r } = ctx;
  switch (r.int(0, 12)) {
    case 0:
    case 1:
      return { text: 'amount', kind: 'money' };
    case 2:
      return { text: r.pick(['charge amount', 'charge refunded']), kind: 'money' };
    case 3:
      return { text: r.pick(['customer tenure', 'charge age']), kind: 'duration' };
    case 4: {
        return { text: `customer refunds in last ${window(r)}`, kind: 'count' };
    }
    case 5:
    case 6:
      return { text: 'reason', kind: 'symbol', symbols: REASONS };
    case 7:
      return { text: 'source', kind: 'symbol', symbols: ctx.sources };
    case 8:
      return { text: 'merchant', kind: 'symbol', symbols: MERCHANTS };
    case 9:
      return { text: 'currency', kind: 'symbol', symbols: [ctx.currency.code.toLowerCase(), ctx.currency.code] };
    default:
      return { text: r.pick(METADATA), kind: 'text', symbols: TEXTS };
  }
}

function value(ctx: Context, kind: Kind, symbols: readonly string[] = []): string {
  const { r } = ctx;
  switch (kind) {
    case 'money':
      return money(r, ctx.currency, minor(r));
    case 'duration':
      return duration(r, r.pick([1, 24, 36, 48, 720, r.int(1, 2000)]));
    case 'count':
      return String(r.int(0, 20));
    default:
      return r.pick(symbols);
  }
}

function ordered(ctx: Context, kind: 'money' | 'duration' | 'count'): [string, string] {
  const { r } = ctx;
  const pair = (make: () => number) => [make(), make()].sort((a, b) => a - b) as [number, number];
  if (kind === 'money') {
    const [a, b] = pair(() => minor(r));
    return [money(r, ctx.currency, a), money(r, ctx.currency, b)];
  }
  if (kind === 'duration') {
    const [a, b] = pair(() => r.pick([1, 24, 48, r.int(1, 2000)]));
    return [duration(r, a), duration(r, b)];
  }
  const [a, b] = pair(() => r.int(0, 20));
  return [String(a), String(b)];
}

function comparison(ctx: Context): string {
  const { r } = ctx;
  if (ctx.round2 && r.bool(0.4)) return round2Comparison(ctx);
  const s = subject(ctx);
  const list = () => `[${Array.from({ length: r.int(1, 3) }, () => value(ctx, s.kind, s.symbols)).join(', ')}]`;
  if (s.kind === 'money' || s.kind === 'duration' || s.kind === 'count') {
    switch (r.int(0, 5)) {
      case 0: {
        const [low, high] = ordered(ctx, s.kind);
        return `${s.text} between ${low} and ${high}`;
      }
      case 1:
        return `${s.text} ${r.pick(['is', 'is not'])} ${value(ctx, s.kind)}`;
      case 2:
        return `${s.text} ${r.pick(['in', 'not in'])} ${list()}`;
      case 3:
        // Percentages are for money only.
        if (s.kind === 'money') {
          return `${s.text} ${r.pick(['over', 'under', 'at least', 'at most', 'up to'])} ${r.int(0, 300)}% of ${r.pick(['charge amount', 'charge refunded', 'amount'])}`;
        }
        return `${s.text} ${r.pick(['over', 'under', 'at least', 'at most', 'up to'])} ${value(ctx, s.kind)}`;
      default:
        return `${s.text} ${r.pick(['over', 'under', 'at least', 'at most', 'up to'])} ${value(ctx, s.kind)}`;
    }
  }
  if (s.text === 'currency' && r.bool(0.3)) return r.bool() ? `currency is not ${r.pick(['gbp', 'JPY'])}` : `currency not in ${r.pick(['[jpy, usd]', '[KWD]'])}`;
  return r.bool(0.6) ? `${s.text} ${r.pick(['is', 'is not'])} ${value(ctx, s.kind, s.symbols)}` : `${s.text} ${r.pick(['in', 'not in'])} ${list()}`;
}

/** A condition; `tight` when it must bind tighter than `and`/`or` around it. */
function condition(ctx: Context, depth: number, context: 'top' | 'and' | 'not'): string {
  const { r } = ctx;
  const choice = depth <= 0 ? 0 : r.int(0, 5);
  let text: string;
  let level: 'atom' | 'and' | 'or';
  switch (choice) {
    case 1:
      text = `not ${condition(ctx, depth - 1, 'not')}`;
      level = 'atom';
      break;
    case 2:
      text = `(${condition(ctx, depth - 1, 'top')})`;
      level = 'atom';
      break;
    case 3:
      text = Array.from({ length: r.int(2, 3) }, () => condition(ctx, depth - 1, 'and')).join(' and ');
      level = 'and';
      break;
    case 4:
      text = Array.from({ length: r.int(2, 3) }, () => condition(ctx, depth - 1, 'and')).join(' or ');
      level = 'or';
      break;
    default:
      text = comparison(ctx);
      level = 'atom';
  }
  const needsParens = (context === 'not' && level !== 'atom') || (context === 'and' && level === 'or');
  return needsParens ? `(${text})` : text;
}

function approval(r: Random): string {
  const [a, b] = r.some(ROLES, 2, 2);
  switch (r.int(0, 4)) {
    case 0:
      return a!;
    case 1:
      return `${a} ${r.pick(['or', ','])} ${b}`;
    case 2:
      return `approval from ${a}`;
    case 3:
      return `${r.int(2, 3)} approvals from ${a}`;
    default:
      return `1 approval from ${a}${r.bool() ? ` or ${b}` : ''}`;
  }
}

function verdict(r: Random): string {
  return r.pick(['allow', 'flag', 'block', `require ${approval(r)}`]);
}

function qualifier(ctx: Context): string {
  const { r } = ctx;
  switch (r.int(0, 4)) {
    case 0: {
      const [low, high] = ordered(ctx, 'money');
      return `between ${low} and ${high}`;
    }
    case 1:
      return `from ${r.some(ctx.sources, 1, 2).join(r.pick([' or ', ', ']))}`;
    case 2:
      return r.bool() ? `for merchant ${r.pick(MERCHANTS)}` : `for merchants ${r.some(MERCHANTS, 1, 3).join(', ')}`;
    case 3:
      return `in ${r.bool() ? ctx.currency.code : `${ctx.currency.code.toLowerCase()}, ${r.pick(['GBP', 'EUR', 'usd'])}`}`;
    default:
      return `${r.pick(['over', 'under', 'at least', 'at most', 'up to'])} ${money(r, ctx.currency, minor(r))}`;
  }
}

function rule(ctx: Context, name: string): string {
  const { r } = ctx;
  const qualifiers = Array.from({ length: r.int(0, 3) }, () => qualifier(ctx)).join(' ');
  const when = r.bool(0.6) ? ` when ${condition(ctx, r.int(0, 3), 'top')}` : '';
  const unless = r.bool(0.3) ? ` unless ${condition(ctx, r.int(0, 2), 'top')}` : '';
  const head = `refunds${qualifiers ? ` ${qualifiers}` : ''}${when}`;
  let statement: string;
  if (r.bool(0.4)) {
    const word = r.pick(['require', 'requires']);
    statement = r.bool() ? `${head}${unless} ${word} ${approval(r)}` : `${head} ${word} ${approval(r)}${unless}`;
  } else {
    statement = `${r.pick(['allow', 'flag', 'block'])} ${head}${unless}`;
  }
  const because = r.bool(0.4) ? ` because ${r.pick(['"Routine refunds auto-allow"', '"A \\"quoted\\" reason # not a comment"', '"Über 100 €"'])}` : '';
  return `rule ${name}: ${statement}${because}`;
}

function example(ctx: Context, ruleNames: readonly string[]): string {
  const { r } = ctx;
  const fields: string[] = [`amount: ${money(r, ctx.currency, minor(r))}`];
  if (r.bool()) fields.push(`source: ${r.pick(ctx.sources)}`);
  if (r.bool()) fields.push(`customer_tenure_days: ${r.int(0, 900)}`);
  if (r.bool()) fields.push(`reason: ${r.pick(['duplicate_charge', '"goodwill-2024"'])}`);
  if (r.bool()) fields.push(`customer_refunds_last_30_days: ${r.int(0, 9)}`);
  if (r.bool()) fields.push(`charge_amount: ${money(r, ctx.currency, minor(r))}`);
  if (r.bool()) fields.push(`metadata: { ticket: "Z-1"${r.bool() ? ', "order id": "o 1"' : ''} }`);
  if (r.bool()) fields.push(`"stripe_account": ${r.pick(MERCHANTS)}`);
  if (ctx.round2) {
    if (r.bool()) fields.push(`local_time: ${timeOfDay(r)}`);
    if (r.bool()) fields.push(`weekday: ${r.pick(WEEKDAY_NAMES)}`);
    if (r.bool()) fields.push(`customer_id: ${r.pick(PEOPLE)}`, `requested_by: ${r.pick(PEOPLE)}`);
    if (r.bool()) fields.push(`source_refunded_last_1_hours: ${money(r, ctx.currency, minor(r))}`, `merchant_refunds_last_7_days: ${r.int(0, 9)}`);
    for (const list of r.some(LISTS, 0, 3)) fields.push(`lists.${list}: [${r.some(PEOPLE, 0, 3).join(', ')}]`);
  }
  const by = ruleNames.length > 0 && r.bool() ? ` by ${r.pick(ruleNames)}` : '';
  return `example "${r.pick(['e', 'a case', 'über'])} ${r.int(0, 999)}" { ${fields.join(', ')} } expect ${r.pick(['allow', 'flag', 'pending_approval', 'block'])}${by}`;
}

/** Lays the words out with random whitespace, line breaks and comments (only before a line break). */
function layout(r: Random, item: string): string {
  // Split outside quoted strings only.
  const words = item.match(/"(?:[^"\\]|\\.)*"|[^\s"]+/g) ?? [];
  let out = words[0] ?? '';
  for (const word of words.slice(1)) {
    out += r.pick([' ', ' ', ' ', ' ', '  ', '\n  ', '\n', '\t', () => ` ${r.pick(COMMENT_TEXTS)}\n    `].map((s) => (typeof s === 'function' ? s() : s)));
    out += word;
  }
  return out;
}

export interface GeneratedPolicy {
  readonly text: string;
  readonly seed: number;
}

/** The text of a valid policy, made from `seed`. */
export function buildPolicy(seed: number, options: { layout?: boolean; examples?: boolean } = {}): string {
  const r = new Random(seed);
  const currency = r.pick(CURRENCIES);
  const declareSources = r.bool();
  const sources = declareSources ? DECLARED_SOURCES : DEFAULT_SOURCES;
  const round2 = r.bool();
  const ctx: Context = { r, currency, sources, round2 };
  const items: string[] = [`policy "generated-${seed}" version ${r.int(1, 99)}`];
  if (round2 && r.bool()) items.push(`timezone ${r.pick(ZONES)}`);
  // Roles: a chain of some, the rest plain, possibly over several lines.
  const chain = r.some(ROLES, 1, 4);
  const plain = ROLES.filter((role) => !chain.includes(role));
  if (r.bool() && chain.length > 1) {
    const split = r.int(1, chain.length - 1);
    items.push(`roles ${chain.slice(0, split + 1).join(' < ')}`, `roles ${chain.slice(split).join(' < ')}${plain.length ? `, ${plain.join(', ')}` : ''}`);
  } else {
    items.push(`roles ${chain.join(' < ')}${plain.length ? `, ${plain.join(', ')}` : ''}`);
  }
  if (declareSources) {
    if (r.bool()) items.push(`sources ${sources.slice(0, 2).join(', ')}`, `sources ${sources.slice(2).join(', ')}`);
    else items.push(`sources ${sources.join(', ')}`);
  }
  if (round2) {
    if (r.bool()) items.push(`lists ${LISTS.slice(0, 1).join(', ')}`, `lists ${LISTS.slice(1).join(', ')}`);
    else items.push(`lists ${LISTS.join(', ')}`);
  }
  const names = r.some(RULE_NAMES, 1, 5);
  const body: string[] = names.map((name) => rule(ctx, name));
  if (r.bool(0.6)) body.push(`otherwise ${verdict(r)}`);
  if (r.bool(0.3)) body.push(`on missing ${verdict(r)}`);
  if (options.examples !== false) for (let i = r.int(0, 2); i > 0; i--) body.push(example(ctx, names));
  // Declarations, rules and examples come in any order after the header.
  for (let i = body.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [body[i], body[j]] = [body[j]!, body[i]!];
  }
  items.push(...body);
  if (options.layout === false) return `${items.join('\n\n')}\n`;
  const lead = r.bool(0.3) ? `${r.pick(COMMENT_TEXTS)}\n${r.bool() ? '\n' : ''}` : '';
  const separators = ['\n', '\n\n', '\n\n\n', () => `\n${r.pick(COMMENT_TEXTS)}\n`, () => ` ${r.pick(COMMENT_TEXTS)}\n\n`, '\n  \n'];
  let text = lead + layout(r, items[0]!);
  for (const item of items.slice(1)) {
    const sep = r.pick(separators);
    text += typeof sep === 'function' ? sep() : sep;
    text += layout(r, item);
  }
  return text + r.pick(['\n', '', '\n\n', ` ${r.pick(COMMENT_TEXTS)}\n`, `\n${r.pick(COMMENT_TEXTS)}`]);
}

/** fast-check arbitrary of generated valid policies (shrinks toward small seeds). */
export const generatedPolicy = (options: { layout?: boolean; examples?: boolean } = {}): fc.Arbitrary<GeneratedPolicy> =>
  fc.integer({ min: 0, max: 0x7fffffff }).map((seed) => ({ seed, text: buildPolicy(seed, options) }));
