// Policy drafts, kept in the browser's local storage (per organisation and user) until they are
// published or discarded: a reload, a crash or a closed tab loses nothing typed. Each draft
// keeps its editor state with its undo history (CodeMirror's `historyField` serialises it), so
// undo works per draft and survives a reload too.

export interface Draft {
  readonly id: string;
  /** The version it was started from (`v3`), or null for an empty policy. */
  readonly base: string | null;
  readonly text: string;
  /** CodeMirror's EditorState.toJSON with the history field; absent until first edited. */
  readonly editor?: unknown;
  readonly updated_at: string;
}

function storageKey(scope: string): string {
  return `axiru:policy-drafts:${scope}`;
}

export function listDrafts(scope: string): Draft[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey(scope)) ?? '[]');
    return Array.isArray(parsed) ? (parsed as Draft[]).filter((d) => typeof d?.id === 'string' && typeof d.text === 'string') : [];
  } catch {
    return [];
  }
}

export function getDraft(scope: string, id: string): Draft | null {
  return listDrafts(scope).find((d) => d.id === id) ?? null;
}

/** Saves (or replaces) a draft; false when the browser refused (storage full or disabled). */
export function saveDraft(scope: string, draft: Draft): boolean {
  const others = listDrafts(scope).filter((d) => d.id !== draft.id);
  try {
    localStorage.setItem(storageKey(scope), JSON.stringify([{ ...draft, updated_at: new Date().toISOString() }, ...others]));
    return true;
  } catch {
    return false;
  }
}

export function discardDraft(scope: string, id: string): void {
  const rest = listDrafts(scope).filter((d) => d.id !== id);
  localStorage.setItem(storageKey(scope), JSON.stringify(rest));
}

export function newDraft(scope: string, base: string | null, text: string): Draft {
  const draft: Draft = { id: `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, base, text, updated_at: new Date().toISOString() };
  saveDraft(scope, draft);
  return draft;
}

/** What an empty policy starts with: a header, so the first diagnostics are about the rules. */
export const EMPTY_POLICY = 'policy "refunds" version 1\n\nroles support_lead < finance_manager\n\notherwise allow\n';
