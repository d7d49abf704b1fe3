// The grammar, as a pure Chevrotain CstParser: no semantic actions, no AST building (that is
// lower.ts). Error recovery is on, so an editor always gets a tree: a bad rule is skipped up
// to the next reserved top-level word and parsing goes on.
//
// Grammar reference: docs/language.md ("Rules", "Lexing and grammar").
import {
  CstParser,
  EOF,
  NoViableAltException,
  type CstNode,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from 'chevrotain';
import * as T from './tokens.js';
import { policyErrorMessages } from './errorMessages.js';
import { FollowStack } from './FollowStack.js';

/** Past this many syntax errors the parser stops: a file that broken gains nothing from more. */
export const MAX_SYNTAX_ERRORS = 200;

/**
 * Past this many rules unwound by syntax errors the parser stops at its next error. Chevrotain
 * recovers from an error by leaving, one by one, the rules it is in until one can go on: an
 * error inside 64 parentheses leaves some 200 rules, each a thrown exception. 200 such errors
 * took a third of a second; 10,000 is 50 of them, and 200 errors a little under 50 rules deep.
 */
export const MAX_RULES_UNWOUND = 10_000;

/** Why a parse stopped before the end of its input. */
export type StopReason = 'errors' | 'unwinding';

/** The parts of Chevrotain 11's recognizer (lib/src/parse/parser/traits/*.js) the overrides below use. */
interface RecognizerInternals {
  readonly tokVector: readonly IToken[];
  readonly currIdx: number;
  readonly maxLookahead: number;
  errorMessageProvider: IParserErrorMessageProvider;
  getCurrRuleFullName(): string;
  LA(howMuch: number): IToken;
  readonly RULE_STACK: readonly number[];
  readonly RULE_OCCURRENCE_STACK: readonly number[];
  readonly RULE_STACK_IDX: number;
  shortRuleNameToFullName(shortName: number): string;
  getFollowSetFromFollowKey(key: { ruleName: string; idxInCallingRule: number; inRule: string }): readonly TokenType[] | undefined;
  moveToTerminatedState(): void;
}

const chevrotainRuleInvocation = (CstParser.prototype as unknown as { ruleInvocationStateUpdate(this: CstParser, shortName: number, fullName: string, idxInCallingRule: number): void })
  .ruleInvocationStateUpdate;
const chevrotainIsInResyncSet = (CstParser.prototype as unknown as { isInCurrentRuleReSyncSet(this: CstParser, type: TokenType): boolean }).isInCurrentRuleReSyncSet;
const chevrotainSaveError = (CstParser.prototype as unknown as { SAVE_ERROR(this: CstParser, error: IRecognitionException): IRecognitionException }).SAVE_ERROR;
const chevrotainRaiseNoAlt = (CstParser.prototype as unknown as { raiseNoAltException(this: CstParser, occurrence: number, errMsgTypes: string | undefined): never })
  .raiseNoAltException;

type LookaheadPaths = Parameters<IParserErrorMessageProvider['buildNoViableAltMessage']>[0]['expectedPathsPerAlt'];

/** Past this many rule stacks the tree of follow sets is dropped and grown again: memory stays bounded in a long-lived editor. */
const MAX_FOLLOW_STACKS = 20_000;

/** What parsing one text took (parse() sets it anew per text): the work bounds the fuzz test asserts. */
export interface ParseWork {
  /** Passes over the tokens (more than one only when the stack ran out: parse.ts), and the tokens they were given. */
  passes: number;
  tokens: number;
  /** Re-sync searches of error recovery: one per rule a recognition error unwinds through, and one per attempt to recover inside a repetition. */
  searches: number;
  /** Rules recognition errors unwound through (MAX_RULES_UNWOUND). */
  unwound: number;
  /** Tokens those searches looked at (a remembered answer looks at none). */
  scanned: number;
}

export class PolicyParser extends CstParser {
  work: ParseWork = { passes: 0, tokens: 0, searches: 0, unwound: 0, scanned: 0 };
  /** Counts inputs, so that a FollowStack's last search is known to be about this one. */
  private input_ = 0;
  /** The outermost frames of the rule stacks seen, and how many stacks the tree holds. */
  private readonly followStacks = new Map<number, FollowStack>();
  private followStackCount = 0;
  /** The rule stack of the last search, frame by frame (frame keys and their FollowStacks). */
  private readonly lastFrames: number[] = [];
  private readonly lastStacks: FollowStack[] = [];
  /** Rules entered so far, and when the last search was made: none entered since means its stack only lost frames. */
  private entered = 0;
  private enteredAtLastSearch = -1;

  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: policyErrorMessages,
    });
    this.performSelfAnalysis();
  }

  /**
   * Chevrotain's error recovery (recoverable.js), at every error and again in every rule the
   * error unwinds through, looks for the first token ahead that can follow one of the rules
   * being parsed: it rebuilds the follow set of the whole rule stack and scans from the error.
   * Both costs grow with the error count times the nesting depth times the distance scanned.
   * Here the follow sets are a tree of stack frames (FollowStack): walking the current stack
   * re-uses the frames of the previous search (an error unwinding pops one frame at a time),
   * and a token type's match is asked once per stack. And the answer from a position is the
   * same for every position up to the token found, so each stack keeps its last search: each
   * token is scanned at most once per stack. The same answers as Chevrotain's, in linear time.
   */
  findReSyncTokenType(): TokenType {
    const self = this as unknown as RecognizerInternals;
    this.work.searches += 1;
    const { stack, inner } = this.currentFollowStack(self);
    const start = self.currIdx + 1;
    const last = stack.last;
    if (last !== null && last.input === this.input_ && last.from <= start && start <= last.at) return last.type;
    // While an error unwinds, the search one rule deeper was just made from here: no token
    // before the one it found matches its follows, and this stack's are among them.
    const deeper = inner?.last;
    const from = deeper !== undefined && deeper !== null && deeper.input === this.input_ && deeper.from <= start && start <= deeper.at ? deeper.at : start;
    // EOF is always among the follows and (virtually) at the end of the input, so this ends.
    for (let at = from; ; at++) {
      this.work.scanned += 1;
      const type = stack.match(self.LA(at - self.currIdx));
      if (type !== null) {
        stack.last = { input: this.input_, from: start, at, type };
        return type;
      }
    }
  }

  /** Chevrotain's bookkeeping on entering a rule, counted (see currentFollowStack). */
  ruleInvocationStateUpdate(shortName: number, fullName: string, idxInCallingRule: number): void {
    this.entered += 1;
    chevrotainRuleInvocation.call(this, shortName, fullName, idxInCallingRule);
  }

  /**
   * Whether the re-sync token can follow the rule being parsed (Chevrotain's getCurrFollowKey),
   * read off the last search's stack. Asked once in each rule a syntax error unwinds through:
   * counted here (MAX_RULES_UNWOUND).
   */
  isInCurrentRuleReSyncSet(type: TokenType): boolean {
    const self = this as unknown as RecognizerInternals;
    this.unwound += 1;
    this.work.unwound += 1;
    const stack = this.lastStacks[self.RULE_STACK_IDX];
    if (stack === undefined || this.lastStacks.length !== self.RULE_STACK_IDX + 1) return chevrotainIsInResyncSet.call(this, type);
    return stack.follows(type);
  }

  /** A frame of the rule stack as one number: the rule's short name and where it was called. */
  private static frameKey(rule: number, occurrence: number): number {
    return rule * 256 + occurrence;
  }

  /**
   * The FollowStack of the rules being parsed now, and the last search's stack if it was this
   * one plus one rule (as when an error unwinds by one rule).
   */
  private currentFollowStack(self: RecognizerInternals): { stack: FollowStack; inner: FollowStack | undefined } {
    const depth = self.RULE_STACK_IDX + 1;
    // The frames shared with the last search's stack. When no rule was entered since, the
    // stack can only have lost frames: all of it is shared (so an error unwinding through the
    // rules, one search per rule, costs a constant per rule). Otherwise they are compared.
    const onlyLeft = this.entered === this.enteredAtLastSearch && depth <= this.lastFrames.length;
    this.enteredAtLastSearch = this.entered;
    let same = onlyLeft ? depth : 0;
    const shared = Math.min(depth, this.lastFrames.length);
    while (same < shared && this.lastFrames[same] === PolicyParser.frameKey(self.RULE_STACK[same]!, self.RULE_OCCURRENCE_STACK[same]!)) same++;
    const inner = same === depth && this.lastStacks.length === depth + 1 ? this.lastStacks[depth] : undefined;
    this.lastFrames.length = same;
    this.lastStacks.length = same;
    if (this.followStackCount > MAX_FOLLOW_STACKS) {
      this.followStacks.clear();
      this.followStackCount = 0;
      this.lastFrames.length = 0;
      this.lastStacks.length = 0;
    }
    for (let level = this.lastStacks.length; level < depth; level++) {
      const key = PolicyParser.frameKey(self.RULE_STACK[level]!, self.RULE_OCCURRENCE_STACK[level]!);
      const outer = level === 0 ? null : this.lastStacks[level - 1]!;
      const siblings = outer === null ? this.followStacks : outer.deeper;
      let stack = siblings.get(key);
      if (stack === undefined) {
        // Chevrotain's follow set of the rule at this level where its caller called it (buildFullFollowKeyStack).
        const own = level === 0
          ? [EOF]
          : (self.getFollowSetFromFollowKey({
            ruleName: self.shortRuleNameToFullName(self.RULE_STACK[level]!),
            idxInCallingRule: self.RULE_OCCURRENCE_STACK[level]!,
            inRule: self.shortRuleNameToFullName(self.RULE_STACK[level - 1]!),
          }) ?? []);
        stack = new FollowStack(outer, own);
        siblings.set(key, stack);
        this.followStackCount += 1;
      }
      this.lastFrames.push(key);
      this.lastStacks.push(stack);
    }
    return { stack: this.lastStacks[depth - 1]!, inner };
  }

  /** Per alternation (rule and occurrence), the lookahead paths its error message lists. */
  private readonly lookaheadPaths = new Map<string, LookaheadPaths>();
  /** Set while the paths of an alternation are worked out: its error is not recorded. */
  private capturing = false;

  /**
   * Chevrotain builds the message of a "no viable alternative" error from the grammar's
   * lookahead paths, computed afresh at every such error (error_handler.js says as much): with
   * hundreds of errors in nested conditions that cost seconds. The paths depend only on the
   * alternation, so Chevrotain's own code computes them once per alternation (its error then
   * discarded), and every error after reuses them: the same messages.
   */
  raiseNoAltException(occurrence: number, errMsgTypes: string | undefined): never {
    const self = this as unknown as RecognizerInternals;
    const ruleName = self.getCurrRuleFullName();
    const key = `${ruleName}#${occurrence}`;
    let paths = this.lookaheadPaths.get(key);
    if (paths === undefined) {
      const provider = self.errorMessageProvider;
      self.errorMessageProvider = {
        ...provider,
        buildNoViableAltMessage: (options) => {
          paths = options.expectedPathsPerAlt;
          return '';
        },
      };
      this.capturing = true;
      try {
        chevrotainRaiseNoAlt.call(this, occurrence, errMsgTypes);
      } catch {
        // The capture run's own error: not recorded (SAVE_ERROR below) and not raised.
      } finally {
        self.errorMessageProvider = provider;
        this.capturing = false;
      }
      if (paths === undefined) throw new Error(`no lookahead paths for ${key}`);
      this.lookaheadPaths.set(key, paths);
    }
    const actual: IToken[] = [];
    for (let i = 1; i <= self.maxLookahead; i++) actual.push(self.LA(i));
    const message = self.errorMessageProvider.buildNoViableAltMessage({
      expectedPathsPerAlt: paths,
      actual,
      previous: self.LA(0),
      customUserDescription: errMsgTypes as string,
      ruleName,
    });
    throw this.SAVE_ERROR(new NoViableAltException(message, self.LA(1), self.LA(0)));
  }

  /** Errors recorded for the current input (Chevrotain's own `errors` is a copy made per read), and rules unwound by them. */
  private recorded = 0;
  private unwound = 0;
  /**
   * Where this parse stopped reading (the token of the error that stopped it) and why; null
   * while it has not. Cleared with the rest of the state when a new input is set.
   */
  stopped: { readonly token: IToken; readonly why: StopReason } | null = null;

  override reset(): void {
    super.reset();
    this.input_ += 1;
    this.recorded = 0;
    this.unwound = 0;
    this.stopped = null;
  }

  /**
   * Records an error as Chevrotain does, up to MAX_SYNTAX_ERRORS, and while the errors so far
   * have unwound at most MAX_RULES_UNWOUND rules. Past either, the error stops the parse where
   * it stands: the parser is moved to the end of its input, so every rule still open finishes
   * at once, as at the end of a file, and the tree holds everything read so far. The errors
   * that finishing raises (a missing `)` in each open condition, ...) are not the file's and
   * are not recorded. One pass, whatever the number of errors.
   */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    if (this.capturing || this.stopped !== null) return error;
    const why: StopReason | null = this.recorded >= MAX_SYNTAX_ERRORS ? 'errors' : this.unwound > MAX_RULES_UNWOUND ? 'unwinding' : null;
    if (why !== null) {
      this.stopped = { token: error.token, why };
      (this as unknown as RecognizerInternals).moveToTerminatedState();
      return error;
    }
    this.recorded += 1;
    return chevrotainSaveError.call(this, error);
  }

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  private item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.header) },
      { ALT: () => this.SUBRULE(this.rolesDecl) },
      { ALT: () => this.SUBRULE(this.sourcesDecl) },
      { ALT: () => this.SUBRULE(this.listsDecl) },
      { ALT: () => this.SUBRULE(this.timezoneDecl) },
      { ALT: () => this.SUBRULE(this.otherwiseDecl) },
      { ALT: () => this.SUBRULE(this.onMissingDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.exampleDecl) },
    ]);
  });

  // policy "NAME" version N   (the version is checked in lowering, so `version v3` gets a clear message)
  private header = this.RULE('header', () => {
    this.CONSUME(T.Policy);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.Version);
    this.SUBRULE(this.versionValue);
  });

  private versionValue = this.RULE('versionValue', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
  });

  // roles a < b < c, d
  private rolesDecl = this.RULE('rolesDecl', () => {
    this.CONSUME(T.Roles);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.roleChain) });
  });

  private roleChain = this.RULE('roleChain', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Less);
      this.CONSUME2(T.Identifier);
    });
  });

  private sourcesDecl = this.RULE('sourcesDecl', () => {
    this.CONSUME(T.Sources);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
  });

  // lists vip_customers, merchants_under_review
  private listsDecl = this.RULE('listsDecl', () => {
    this.CONSUME(T.Lists);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
  });

  // timezone "Europe/Berlin"
  private timezoneDecl = this.RULE('timezoneDecl', () => {
    this.CONSUME(T.Timezone);
    this.CONSUME(T.StringLiteral);
  });

  private otherwiseDecl = this.RULE('otherwiseDecl', () => {
    this.CONSUME(T.Otherwise);
    this.SUBRULE(this.verdict);
  });

  private onMissingDecl = this.RULE('onMissingDecl', () => {
    this.CONSUME(T.On);
    this.CONSUME(T.Missing);
    this.SUBRULE(this.verdict);
  });

  // allow | flag | block | require APPROVAL
  private verdict = this.RULE('verdict', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Allow) },
      { ALT: () => this.CONSUME(T.Flag) },
      { ALT: () => this.CONSUME(T.Block) },
      {
        ALT: () => {
          this.CONSUME(T.RequireWord);
          this.SUBRULE(this.approval);
        },
      },
    ]);
  });

  // ROLE (or ROLE)* | approval from ROLES | N approvals from ROLES
  private approval = this.RULE('approval', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.OR2([{ ALT: () => this.CONSUME(T.Approvals) }, { ALT: () => this.CONSUME(T.Approval) }]);
          this.CONSUME(T.From);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME2(T.Approval) }, { ALT: () => this.CONSUME2(T.Approvals) }]);
          this.CONSUME2(T.From);
          this.SUBRULE2(this.nameList);
        },
      },
      { ALT: () => this.SUBRULE3(this.nameList) },
    ]);
  });

  /** a, b or c — names separated by `,` or `or`. */
  private nameList = this.RULE('nameList', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Or) }]);
      this.CONSUME2(T.Identifier);
    });
  });

  // rule NAME: STATEMENT [because "..."]
  private ruleDecl = this.RULE('ruleDecl', () => {
    this.CONSUME(T.Rule);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.OR([{ ALT: () => this.SUBRULE(this.verbStatement) }, { ALT: () => this.SUBRULE(this.requireStatement) }]);
    this.OPTION(() => {
      this.CONSUME(T.Because);
      this.CONSUME(T.StringLiteral);
    });
  });

  // allow|flag|block refunds QUALIFIERS [when C] [unless C]
  private verbStatement = this.RULE('verbStatement', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Allow) },
      { ALT: () => this.CONSUME(T.Flag) },
      { ALT: () => this.CONSUME(T.Block) },
    ]);
    this.CONSUME(T.Refunds);
    this.MANY(() => this.SUBRULE(this.qualifier));
    this.OPTION(() => this.SUBRULE(this.whenClause));
    this.MANY2(() => this.SUBRULE(this.unlessClause));
  });

  // refunds QUALIFIERS [when C] [unless C] require APPROVAL [unless C]
  private requireStatement = this.RULE('requireStatement', () => {
    this.CONSUME(T.Refunds);
    this.MANY(() => this.SUBRULE(this.qualifier));
    this.OPTION(() => this.SUBRULE(this.whenClause));
    // More than one `unless` parses, so the checker can say "at most one unless" instead of a syntax error.
    this.MANY2(() => this.SUBRULE(this.unlessClause));
    this.CONSUME(T.RequireWord);
    this.SUBRULE(this.approval);
    this.MANY3(() => this.SUBRULE2(this.unlessClause));
  });

  private whenClause = this.RULE('whenClause', () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.condition);
  });

  private unlessClause = this.RULE('unlessClause', () => {
    this.CONSUME(T.Unless);
    this.SUBRULE(this.condition);
  });

  private qualifier = this.RULE('qualifier', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.amountComparator) },
      {
        ALT: () => {
          this.CONSUME(T.Between);
          this.SUBRULE(this.value);
          this.CONSUME(T.And);
          this.SUBRULE2(this.value);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.From);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.For);
          this.OR2([{ ALT: () => this.CONSUME(T.Merchants) }, { ALT: () => this.CONSUME(T.Merchant) }]);
          this.SUBRULE2(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.In);
          this.SUBRULE3(this.nameList);
        },
      },
    ]);
  });

  /** The comparators that also work as amount qualifiers: over, under, at least, at most, up to, between. */
  private amountComparator = this.RULE('amountComparator', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Over) },
      { ALT: () => this.CONSUME(T.Under) },
      {
        ALT: () => {
          this.CONSUME(T.At);
          this.OR2([{ ALT: () => this.CONSUME(T.Least) }, { ALT: () => this.CONSUME(T.Most) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Up);
          this.CONSUME(T.To);
        },
      },
    ]);
    this.SUBRULE(this.value);
  });

  // Conditions: `not` binds tightest, then `and`, then `or`.
  private condition = this.RULE('condition', () => {
    this.SUBRULE(this.andCondition);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andCondition);
    });
  });

  private andCondition = this.RULE('andCondition', () => {
    this.SUBRULE(this.notCondition);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notCondition);
    });
  });

  private notCondition = this.RULE('notCondition', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notCondition);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.condition);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.subject);
    this.SUBRULE(this.comparator);
  });

  private subject = this.RULE('subject', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Amount) },
      {
        ALT: () => {
          this.CONSUME(T.Charge);
          this.OR2([
            { ALT: () => this.CONSUME2(T.Amount) },
            { ALT: () => this.CONSUME(T.Age) },
            { ALT: () => this.CONSUME(T.Refunded) },
          ]);
        },
      },
      {
        // `customer` alone is the customer id; `customer tenure`, `customer refunds in last ...`
        // and `customer refunded in last ...` are subjects of their own.
        ALT: () => {
          this.CONSUME(T.Customer);
          this.OPTION(() => {
            this.OR3([
              { ALT: () => this.CONSUME(T.Tenure) },
              { ALT: () => this.SUBRULE(this.velocityWindow) },
            ]);
          });
        },
      },
      { ALT: () => this.CONSUME(T.Reason) },
      {
        ALT: () => {
          this.CONSUME(T.Source);
          this.OPTION2(() => this.SUBRULE2(this.velocityWindow));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Merchant);
          this.OPTION3(() => this.SUBRULE3(this.velocityWindow));
        },
      },
      { ALT: () => this.CONSUME(T.Currency) },
      {
        ALT: () => {
          this.CONSUME(T.Requested);
          this.CONSUME(T.By);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Local);
          this.CONSUME(T.Time);
        },
      },
      { ALT: () => this.CONSUME(T.Weekday) },
      { ALT: () => this.CONSUME(T.MetadataKey) },
      {
        ALT: () => {
          this.CONSUME(T.Metadata);
          this.CONSUME(T.LBracket);
          this.CONSUME(T.StringLiteral);
          this.CONSUME(T.RBracket);
        },
      },
      // Any other word: an unknown field, reported by the checker with a suggestion.
      { ALT: () => this.CONSUME2(T.Identifier), IGNORE_AMBIGUITIES: true },
    ]);
  });

  // refunds|refunded in last N days|hours
  private velocityWindow = this.RULE('velocityWindow', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Refunds) }, { ALT: () => this.CONSUME(T.Refunded) }]);
    this.CONSUME(T.In);
    this.CONSUME(T.Last);
    this.CONSUME(T.NumberLiteral);
    this.CONSUME(T.Identifier);
  });

  private comparator = this.RULE('comparator', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.amountComparator) },
      {
        ALT: () => {
          this.CONSUME(T.Between);
          this.SUBRULE(this.value);
          this.CONSUME(T.And);
          this.SUBRULE2(this.value);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Is);
          this.OPTION(() => this.CONSUME(T.Not));
          this.SUBRULE3(this.value);
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.CONSUME2(T.Not));
          this.CONSUME(T.In);
          this.OR2([
            { ALT: () => this.SUBRULE(this.valueList) },
            {
              ALT: () => {
                this.CONSUME(T.List);
                this.CONSUME(T.Identifier);
              },
            },
          ]);
        },
      },
      // Times of day: before 06:00, after 22:00, at 12:00.
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(T.Before) },
            { ALT: () => this.CONSUME(T.After) },
            { ALT: () => this.CONSUME(T.At) },
          ]);
          this.SUBRULE4(this.value);
        },
      },
    ]);
  });

  private valueList = this.RULE('valueList', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.value) });
    this.CONSUME(T.RBracket);
  });

  // $150 | 150 EUR | 30 days | 3 | 80% [of SUBJECT] | "text" | symbol
  private value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.MoneyLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          // A unit (`days`, `EUR`) is a plain word, never a keyword: in `over 150 from ai_agent`
          // the `from` starts the next qualifier instead of being taken for a unit.
          this.OPTION({ GATE: () => this.LA(1).tokenType === T.Identifier, DEF: () => this.CONSUME(T.Identifier) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.PercentLiteral);
          this.OPTION2(() => {
            this.CONSUME(T.Of);
            this.SUBRULE(this.subject);
          });
        },
      },
      { ALT: () => this.CONSUME(T.TimeLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME2(T.Identifier) },
    ]);
  });

  // example "NAME" { field: value, ... } expect OUTCOME [by RULE]
  private exampleDecl = this.RULE('exampleDecl', () => {
    this.CONSUME(T.Example);
    this.CONSUME(T.StringLiteral);
    this.SUBRULE(this.exampleObject);
    this.CONSUME(T.Expect);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.By);
      this.CONSUME2(T.Identifier);
    });
  });

  private exampleObject = this.RULE('exampleObject', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.exampleField);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  private exampleField = this.RULE('exampleField', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.ListsKey) },
    ]);
    this.CONSUME(T.Colon);
    this.OR2([
      { ALT: () => this.SUBRULE(this.exampleObject) },
      { ALT: () => this.SUBRULE(this.valueList) },
      { ALT: () => this.SUBRULE(this.value) },
    ]);
  });
}

/** One parser for the process: Chevrotain parsers are built once and fed new input. */
let shared: PolicyParser | undefined;

export function policyParser(): PolicyParser {
  shared ??= new PolicyParser();
  return shared;
}

export type { CstNode, IToken, TokenType };
export { EOF };
