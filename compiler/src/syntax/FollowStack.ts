// The follow sets that Chevrotain's re-sync recovery searches with, one per stack of rules being
// parsed, kept as a tree of stack frames: a stack is its parent stack plus one rule (and where
// it was called from), so each is built once, in constant time from its parent, and the answers
// asked of it are remembered. Used by PolicyParser.findReSyncTokenType.
import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';

export class FollowStack {
  /** The stacks one rule deeper, by the key of their innermost frame (PolicyParser.frameKey). */
  readonly deeper = new Map<number, FollowStack>();
  /** Per token type, the follow it matches first (null: none). */
  private readonly byTokenType = new Map<number, TokenType | null>();
  /** The last re-sync search with this stack: in input `input`, from `from`, found `type` at `at`. */
  last: { readonly input: number; readonly from: number; readonly at: number; readonly type: TokenType } | null = null;

  /** `own`: the follow set of the innermost rule where it was called (EOF for the outermost). */
  constructor(
    readonly outer: FollowStack | null,
    private readonly own: readonly TokenType[],
  ) {}

  /** Whether `type` is in the innermost rule's own follow set (Chevrotain's isInCurrentRuleReSyncSet). */
  follows(type: TokenType): boolean {
    return this.own.includes(type);
  }

  /**
   * The first follow that `token` matches, in Chevrotain's order (flattenFollowSet: the
   * outermost rule's follows first), or null. It depends only on the token's type.
   */
  match(token: IToken): TokenType | null {
    let type = this.byTokenType.get(token.tokenTypeIdx);
    if (type === undefined) {
      type = this.outer?.match(token) ?? this.own.find((candidate) => tokenMatcher(token, candidate)) ?? null;
      this.byTokenType.set(token.tokenTypeIdx, type);
    }
    return type;
  }
}
