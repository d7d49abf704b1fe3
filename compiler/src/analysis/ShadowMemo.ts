// Shadowing answers kept from one analysis to the next. The language server analyses a document
// again after every pause in typing, and an edit changes one rule or a few: the answer for a
// rule (shadowed by which rules, or not shadowed) depends only on the policy's sources (the
// space), its own condition and, in the runtime's order, the ids and conditions of the stronger
// rules that can overlap it (the overlap index never leaves out a rule that meets it). With
// those as the key, an edit re-analyses only the rule itself and the rules whose stronger
// overlapping rules include it; the rest reuse their answers, which are exact, not estimates.
//
// Each distinct rule (id and condition) is a number, and a question's stronger rules are kept
// as an array of those numbers, compared element by element: a key string per question would
// cost more than many of the questions it saves.

/** Distinct rules and questions held before the memo starts afresh (numbers restart with it). */
const MAX_RULES = 200_000;
const MAX_QUESTIONS = 100_000;
/** Answers kept per rule: the last few sets of stronger rules it was asked about. */
const ANSWERS_PER_RULE = 4;

interface Answer {
  readonly stronger: Int32Array;
  readonly by: readonly string[] | null;
}

export class ShadowMemo {
  /** Each distinct space, condition and rule, as small numbers. */
  private readonly numbers = new Map<string, number>();
  /** Per question owner (space and own condition): its latest answers, newest last. */
  private readonly answers = new Map<number, Answer[]>();
  private questions = 0;
  /** Questions answered from the memo since it was made (for tests: that it is used at all). */
  hits = 0;

  /**
   * Called once before an analysis asks anything: starts afresh when the memo has grown past its
   * bounds (never during an analysis, whose numbers must keep their meaning throughout).
   */
  begin(): void {
    if (this.numbers.size >= MAX_RULES || this.questions >= MAX_QUESTIONS) this.clear();
  }

  /** The number of a rule with this id and condition (its JSON) in the space named by `sources`. */
  rule(sources: string, id: string, condition: string): number {
    return this.number(`${sources}\u0000${id}\u0000${condition}`);
  }

  /** The number of a rule's own side of a question: the space and its condition, not its id. */
  owner(sources: string, condition: string): number {
    return this.number(`${sources}\u0000\u0000${condition}`);
  }

  /** The answer kept for the owner and its stronger rules (strongest first), or undefined. */
  get(owner: number, stronger: Int32Array): readonly string[] | null | undefined {
    const kept = this.answers.get(owner);
    if (kept === undefined) return undefined;
    for (let i = kept.length - 1; i >= 0; i--) {
      if (sameNumbers(kept[i]!.stronger, stronger)) {
        this.hits++;
        return kept[i]!.by;
      }
    }
    return undefined;
  }

  set(owner: number, stronger: Int32Array, by: readonly string[] | null): void {
    let kept = this.answers.get(owner);
    if (kept === undefined) this.answers.set(owner, (kept = []));
    kept.push({ stronger, by });
    this.questions++;
    if (kept.length > ANSWERS_PER_RULE) {
      kept.shift();
      this.questions--;
    }
  }

  clear(): void {
    this.numbers.clear();
    this.answers.clear();
    this.questions = 0;
  }

  private number(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.numbers.size;
      this.numbers.set(text, n);
    }
    return n;
  }
}

function sameNumbers(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The memo the analysis uses when called with the default limits (every caller but tests). */
export const shadowMemo = new ShadowMemo();
