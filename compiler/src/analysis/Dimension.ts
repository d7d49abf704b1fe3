// The axes of the input space. A policy reads a handful of request fields; each becomes one
// dimension (metadata per key, customer refunds per fact). Each `ratio` pair gets a dimension
// of its own holding `100 * field / of` — treated as independent of its two money fields,
// which over-approximates the inputs that exist: an empty region is still truly empty, but a
// non-empty one must be realized as a concrete request and checked before anyone believes it.

import { WEEKDAYS, type FieldIR } from '@axiru/runtime';
import type { Interval } from './Interval.js';
import { InconclusiveError } from './InconclusiveError.js';

/** How a dimension's value reaches the request. */
export type DimensionTarget =
  | { readonly kind: 'currency' }
  | { readonly kind: 'money'; readonly input: string }
  | { readonly kind: 'days'; readonly input: string }
  | { readonly kind: 'count'; readonly input: string }
  | { readonly kind: 'symbol'; readonly input: string }
  | { readonly kind: 'metadata'; readonly key: string }
  | { readonly kind: 'ratio'; readonly field: string; readonly of: string }
  /** `local_time`, minutes since midnight written as HH:MM. */
  | { readonly kind: 'time'; readonly input: string }
  /** Whether the caller passed list `list` at all (the one value `given`, or missing). */
  | { readonly kind: 'list'; readonly list: string }
  /** Whether the value of dimension `subject` is in list `list`: `in` or `out`. */
  | { readonly kind: 'membership'; readonly list: string; readonly subject: string };

export type Dimension =
  | {
      readonly key: string;
      readonly kind: 'integer' | 'real';
      readonly domain: Interval;
      /** Whether the request may lack this value (then comparisons on it are unknown). */
      readonly nullable: boolean;
      readonly target: DimensionTarget;
    }
  | {
      readonly key: string;
      readonly kind: 'symbol';
      /** Every value the dimension can take, when that list is finite (declared sources); else null. */
      readonly universe: readonly string[] | null;
      readonly nullable: boolean;
      readonly target: DimensionTarget;
    };

/** The server accepts amounts of 1 to 10^12 minor units; a charge is never of zero. */
const AMOUNT_DOMAIN: Interval = { lo: 1, hi: 1e12, loOpen: false, hiOpen: false };
const REFUNDED_DOMAIN: Interval = { lo: 0, hi: 1e12, loOpen: false, hiOpen: false };
const NON_NEGATIVE: Interval = { lo: 0, hi: Infinity, loOpen: false, hiOpen: true };
const POSITIVE: Interval = { lo: 0, hi: Infinity, loOpen: true, hiOpen: true };
const MINUTES_OF_DAY: Interval = { lo: 0, hi: 1439, loOpen: false, hiOpen: false };

/** The one value of a list-presence dimension; its absence is "missing". */
export const LIST_GIVEN = 'given';
export const MEMBER_IN = 'in';
export const MEMBER_OUT = 'out';

export const CURRENCY_KEY = 'currency';

/** The dimension key of a field: two fields share a key exactly when they read the same request value. */
export function dimensionKey(field: FieldIR): string {
  if ('fact' in field) return `fact:${field.fact}`;
  switch (field.kind) {
    case 'metadata':
      return `metadata:${field.key}`;
    default:
      return field.kind;
  }
}

export function ratioKey(field: FieldIR, of: FieldIR): string {
  return `ratio:${dimensionKey(field)}/${dimensionKey(of)}`;
}

export interface SpaceOptions {
  /** The declared sources: a request from any other source is rejected by the server. Null: any string. */
  readonly sources?: readonly string[] | null;
}

/**
 * The registry of dimensions for one analysis. Regions that are combined must come from the
 * same Space, since a box leaves out the dimensions it does not constrain.
 */
export class Space {
  private readonly dimensions = new Map<string, Dimension>();
  private readonly sources: readonly string[] | null;
  private ratioCount = 0;
  /** The dimensions asked for since `recording` began, or null when not recording. */
  private recorded: Set<Dimension> | null = null;

  constructor(options: SpaceOptions = {}) {
    this.sources = options.sources == null ? null : [...new Set(options.sources)].sort();
    this.dimensions.set(CURRENCY_KEY, {
      key: CURRENCY_KEY,
      kind: 'symbol',
      universe: null,
      // The runtime reads an absent currency as USD, so the refund always has one.
      nullable: false,
      target: { kind: 'currency' },
    });
  }

  get(key: string): Dimension {
    const dimension = this.dimensions.get(key);
    if (dimension === undefined) throw new Error(`analysis: unknown dimension ${key}`);
    return dimension;
  }

  currency(): Dimension {
    return this.get(CURRENCY_KEY);
  }

  /** Dimensions in key order, for deterministic iteration. */
  hasRatios(): boolean {
    return this.ratioCount > 0;
  }

  all(): readonly Dimension[] {
    return [...this.dimensions.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  field(field: FieldIR): Dimension {
    const key = dimensionKey(field);
    let dimension = this.dimensions.get(key);
    if (dimension === undefined) {
      dimension = this.create(key, field);
      this.dimensions.set(key, dimension);
    }
    this.recorded?.add(dimension);
    return dimension;
  }

  /**
   * Runs `work` and returns, with its value, the dimensions it asked this space for: what a
   * space that takes the value without the work must `adopt` to be the same space.
   */
  recording<T>(work: () => T): { readonly value: T; readonly dimensions: readonly Dimension[] } {
    const recorded = new Set<Dimension>();
    this.recorded = recorded;
    try {
      return { value: work(), dimensions: [...recorded] };
    } finally {
      this.recorded = null;
    }
  }

  /** Registers dimensions recorded in another space of the same sources. */
  adopt(dimensions: readonly Dimension[]): void {
    for (const dimension of dimensions) {
      if (this.dimensions.has(dimension.key)) continue;
      this.dimensions.set(dimension.key, dimension);
      if (dimension.target.kind === 'ratio') this.ratioCount++;
    }
  }

  /**
   * List membership as the analysis sees it (docs/language.md: "an opaque two-valued dimension"
   * per subject and list): whether the caller gave the list, and whether the subject is in it.
   */
  listDimensions(field: FieldIR, list: string): { readonly given: Dimension; readonly member: Dimension; readonly subject: Dimension } {
    const subject = this.field(field);
    const givenKey = `list:${list}`;
    let given = this.dimensions.get(givenKey);
    if (given === undefined) {
      given = { key: givenKey, kind: 'symbol', universe: [LIST_GIVEN], nullable: true, target: { kind: 'list', list } };
      this.dimensions.set(givenKey, given);
    }
    const memberKey = `member:${list}:${subject.key}`;
    let member = this.dimensions.get(memberKey);
    if (member === undefined) {
      member = { key: memberKey, kind: 'symbol', universe: [MEMBER_IN, MEMBER_OUT], nullable: false, target: { kind: 'membership', list, subject: subject.key } };
      this.dimensions.set(memberKey, member);
    }
    this.recorded?.add(given);
    this.recorded?.add(member);
    return { given, member, subject };
  }

  ratio(field: FieldIR, of: FieldIR): Dimension {
    const key = ratioKey(field, of);
    // Asked for first, known or not, so that a recording has them whenever it has the ratio.
    const part = this.field(field);
    this.field(of);
    const known = this.dimensions.get(key);
    if (known !== undefined) {
      this.recorded?.add(known);
      return known;
    }
    // A part that is never zero (an amount) never gives a zero ratio.
    const positive = part.kind !== 'symbol' && part.domain.lo > 0;
    const created: Dimension = {
      key,
      kind: 'real',
      domain: positive ? POSITIVE : NON_NEGATIVE,
      // Present exactly when both money fields are; atoms test those, so this axis needs no flag.
      nullable: false,
      target: { kind: 'ratio', field: dimensionKey(field), of: dimensionKey(of) },
    };
    this.dimensions.set(key, created);
    this.ratioCount++;
    this.recorded?.add(created);
    return created;
  }

  private create(key: string, field: FieldIR): Dimension {
    switch (field.kind) {
      case 'amount':
        return { key, kind: 'integer', domain: AMOUNT_DOMAIN, nullable: true, target: { kind: 'money', input: 'amount_cents' } };
      case 'charge_amount':
        return { key, kind: 'integer', domain: AMOUNT_DOMAIN, nullable: true, target: { kind: 'money', input: 'charge_amount_cents' } };
      case 'charge_refunded':
        return { key, kind: 'integer', domain: REFUNDED_DOMAIN, nullable: true, target: { kind: 'money', input: 'charge_refunded_cents' } };
      case 'customer_tenure':
        return { key, kind: 'real', domain: NON_NEGATIVE, nullable: true, target: { kind: 'days', input: 'customer_tenure_days' } };
      case 'charge_age':
        return { key, kind: 'real', domain: NON_NEGATIVE, nullable: true, target: { kind: 'days', input: 'charge_age_days' } };
      case 'customer_refunds':
        return { key, kind: 'integer', domain: NON_NEGATIVE, nullable: true, target: { kind: 'count', input: field.fact } };
      case 'reason':
        return { key, kind: 'symbol', universe: null, nullable: true, target: { kind: 'symbol', input: 'reason' } };
      case 'source':
        return { key, kind: 'symbol', universe: this.sources, nullable: true, target: { kind: 'symbol', input: 'source' } };
      case 'merchant':
        return { key, kind: 'symbol', universe: null, nullable: true, target: { kind: 'symbol', input: 'stripe_account' } };
      case 'metadata':
        return { key, kind: 'symbol', universe: null, nullable: true, target: { kind: 'metadata', key: field.key } };
      case 'currency':
        return this.currency();
      case 'customer':
        return { key, kind: 'symbol', universe: null, nullable: true, target: { kind: 'symbol', input: 'customer_id' } };
      case 'requested_by':
        return { key, kind: 'symbol', universe: null, nullable: true, target: { kind: 'symbol', input: 'requested_by' } };
      case 'weekday':
        return { key, kind: 'symbol', universe: [...WEEKDAYS].sort(), nullable: true, target: { kind: 'symbol', input: 'weekday' } };
      case 'local_time':
        return { key, kind: 'integer', domain: MINUTES_OF_DAY, nullable: true, target: { kind: 'time', input: 'local_time' } };
      case 'source_refunds':
      case 'merchant_refunds':
        return { key, kind: 'integer', domain: NON_NEGATIVE, nullable: true, target: { kind: 'count', input: field.fact } };
      case 'customer_refunded':
      case 'source_refunded':
      case 'merchant_refunded':
        return { key, kind: 'integer', domain: REFUNDED_DOMAIN, nullable: true, target: { kind: 'money', input: field.fact } };
      default:
        throw new InconclusiveError(`unsupported field ${(field as { kind: string }).kind}`);
    }
  }
}
