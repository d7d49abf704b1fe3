// Shadowing answers kept from one analysis to the next. The language server analyses a document
// again after every pause in typing, and an edit changes one rule or a few: the answer for a
// rule (shadowed by which rules, or not shadowed) depends only on the policy's sources (the
// space), its own condition and, in the runtime's order, the ids and conditions of the stronger
// rules that can overlap it (the overlap index never leaves out a rule that meets it). With
// those as the key, an edit re-analyses only the rule itself and the rules whose stronger
// overlapping rules include it; the rest reuse their answers, which are exact, not estimates.

import type { ExprIR } from '@axiru/runtime';

/** Keys held before the memo starts afresh (a few versions of a 10,000-rule policy). */
const MAX_ANSWERS = 50_000;
/** Characters of keys held before the memo starts afresh (about 64 MB of strings). */
const MAX_KEY_CHARS = 32_000_000;

export class ShadowMemo {
  /** Each distinct condition (its canonical JSON) as a short number, for short keys. */
  private readonly conditions = new Map<string, number>();
  private readonly answers = new Map<string, readonly string[] | null>();
  private keyChars = 0;

  /** A number that stands for the condition in keys; equal conditions get equal numbers. */
  condition(expr: ExprIR): number {
    const json = JSON.stringify(expr);
    let id = this.conditions.get(json);
    if (id === undefined) {
      id = this.conditions.size;
      this.conditions.set(json, id);
    }
    return id;
  }

  /**
   * The key of one shadowing question: the space's sources, the rule's condition and each
   * stronger overlapping rule's id and condition, strongest first.
   */
  key(sources: string, own: number, stronger: readonly { readonly id: string; readonly condition: number }[]): string {
    let key = `${sources}|${own}|`;
    for (const rule of stronger) key += `${rule.condition}:${rule.id},`;
    return key;
  }

  /** The answer kept for the key: the `by` rules, null (not shadowed), or undefined (not known). */
  get(key: string): readonly string[] | null | undefined {
    return this.answers.get(key);
  }

  set(key: string, answer: readonly string[] | null): void {
    if (this.answers.size >= MAX_ANSWERS || this.keyChars + key.length > MAX_KEY_CHARS) this.clear();
    this.answers.set(key, answer);
    this.keyChars += key.length;
  }

  clear(): void {
    this.answers.clear();
    this.conditions.clear();
    this.keyChars = 0;
  }
}

/** The memo the analysis uses when called with the default limits (every caller but tests). */
export const shadowMemo = new ShadowMemo();
