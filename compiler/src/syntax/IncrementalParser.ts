// Parsing as you type: a file is parsed item by item, and an item whose text did not change is
// not lexed, parsed or lowered again, only moved to its new offset. For the language server,
// where a 1,000-rule policy takes most of a check to parse whole.
//
// Why the pieces add up to parse(text): an item starts with a reserved word that starts nothing
// else (`policy`, `roles`, `sources`, `otherwise`, `on`, `rule`, `example`). Cut at lines that
// begin with one, every cut falls between two tokens (no token spans a line break followed by a
// letter), so lexing the pieces gives the tokens of the whole. A piece that parses without a
// diagnostic ends where its last item ends: nothing in an item can continue with a reserved word
// that starts an item, so in the whole file the parser leaves each item just where it left the
// piece, before the next piece's first word as before the end of the piece. Once any piece has
// a diagnostic, error recovery may reach across a cut, so the whole text is parsed instead.
// The tests compare both ways on every fixture and on random edits.
import type { Comment, Item, PolicyFile } from '../ast.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { parse } from './parse.js';

/** A parse without tokens: what compiling needs. */
export interface ItemsParse {
  readonly file: PolicyFile;
  readonly diagnostics: readonly Diagnostic[];
}

const ITEM_START = /^(?:policy|roles|sources|lists|timezone|otherwise|on|rule|example)(?![A-Za-z0-9_.])/gm;

interface Piece {
  /** The piece parsed on its own, at offset 0. */
  readonly parsed: ItemsParse;
  /** Its items and comments where the piece was last placed. */
  placed: { readonly at: number; readonly items: readonly Item[]; readonly comments: readonly Comment[] } | null;
}

/**
 * Copies a node with every span moved by `by`. Nodes are plain data (objects, arrays,
 * primitives), and a span is any object of just `start` and `end` (`span`, `verbSpan`, ...).
 */
function moved<T>(value: T, by: number): T {
  if (Array.isArray(value)) return value.map((v: unknown) => moved(v, by)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 2 && typeof record['start'] === 'number' && typeof record['end'] === 'number') {
    return { start: (record['start'] as number) + by, end: (record['end'] as number) + by } as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = moved(record[key], by);
  return copy as T;
}

export class IncrementalParser {
  private pieces = new Map<string, Piece>();
  private parsedPieces = 0;
  private wholeParses = 0;

  /** Pieces parsed so far (a piece met again costs nothing), and whole-text parses after a diagnostic. */
  get stats(): { readonly pieces: number; readonly whole: number } {
    return { pieces: this.parsedPieces, whole: this.wholeParses };
  }

  /** What parse(text) gives, but its tokens. */
  parse(text: string): ItemsParse {
    const cuts = [0];
    for (const match of text.matchAll(ITEM_START)) if (match.index > 0) cuts.push(match.index);
    cuts.push(text.length);
    const next = new Map<string, Piece>();
    const items: Item[] = [];
    const comments: Comment[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const at = cuts[i] as number;
      const source = text.slice(at, cuts[i + 1]);
      let piece = next.get(source) ?? this.pieces.get(source);
      if (!piece) {
        const { file, diagnostics } = parse(source);
        piece = { parsed: { file, diagnostics }, placed: null };
        this.parsedPieces++;
      }
      next.set(source, piece);
      if (piece.parsed.diagnostics.length > 0) return this.whole(text, next);
      // A piece that occurs twice (two identical examples) is placed at each of its offsets.
      let placed = piece.placed;
      if (placed?.at !== at) {
        placed = { at, items: moved(piece.parsed.file.items, at), comments: moved(piece.parsed.file.comments, at) };
        piece.placed = placed;
      }
      items.push(...placed.items);
      comments.push(...placed.comments);
    }
    this.pieces = next;
    return { file: { kind: 'File', items, comments, span: { start: 0, end: text.length } }, diagnostics: [] };
  }

  private whole(text: string, pieces: Map<string, Piece>): ItemsParse {
    // The pieces stay known: once the error is fixed, only the piece that had it is parsed again.
    // Pieces with diagnostics are not kept; they would only pile up while an error is typed.
    for (const [source, piece] of this.pieces) if (!pieces.has(source)) pieces.set(source, piece);
    for (const [source, piece] of pieces) if (piece.parsed.diagnostics.length > 0) pieces.delete(source);
    this.pieces = pieces;
    this.wholeParses++;
    const { file, diagnostics } = parse(text);
    return { file, diagnostics };
  }
}
