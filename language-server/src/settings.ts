// The `axiru.*` settings the server reads, per document (each workspace folder may point to its
// own history), and how a configured history path becomes a file: relative paths are relative
// to the workspace folder holding the policy, else to the policy's own folder.
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AxiruSettings {
  /** Refund history in the replay formats: a path, or several. */
  readonly history: string | readonly string[] | null;
}

export const DEFAULT_SETTINGS: AxiruSettings = { history: null };

/** Settings as a client sent them: anything, checked here. */
export function readSettings(raw: unknown): AxiruSettings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
  const history = (raw as { history?: unknown }).history;
  if (typeof history === 'string') return { history: history.trim() === '' ? null : history };
  if (Array.isArray(history)) {
    const paths = history.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    return { history: paths.length > 0 ? paths : null };
  }
  return DEFAULT_SETTINGS;
}

/** Absolute paths of the configured history, or null when none is configured. */
export function historyPaths(settings: AxiruSettings, documentUri: string, workspaceFolders: readonly string[]): string[] | null {
  if (settings.history === null) return null;
  const list = typeof settings.history === 'string' ? [settings.history] : settings.history;
  const documentPath = pathOf(documentUri);
  const folders = workspaceFolders.map(pathOf).filter((p): p is string => p !== null);
  const folder =
    folders.filter((f) => documentPath !== null && (documentPath === f || documentPath.startsWith(f.endsWith('/') ? f : `${f}/`))).sort((a, b) => b.length - a.length)[0] ??
    folders[0] ??
    (documentPath ? dirname(documentPath) : process.cwd());
  return list.map((p) => {
    const expanded = p.replace(/\$\{workspaceFolder\}/g, folder);
    return isAbsolute(expanded) ? expanded : resolve(folder, expanded);
  });
}

function pathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
