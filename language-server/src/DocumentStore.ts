// Open policies and their compiled versions. A version is compiled at most once, when first
// needed: by the diagnostics scheduler, or by a request that needs positions in the current
// text (hover, go to definition...). Completion may take the latest compile of any version
// instead, so that typing never waits for a compile.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { policyDocument, type PolicyDocument } from './PolicyDocument.js';

export interface TextSource {
  get(uri: string): TextDocument | undefined;
}

export class DocumentStore {
  private readonly compiled = new Map<string, PolicyDocument>();

  constructor(private readonly texts: TextSource) {}

  /** The current version, compiled (now, if it was not yet). */
  current(uri: string): PolicyDocument | undefined {
    const text = this.texts.get(uri);
    if (!text) return undefined;
    const cached = this.compiled.get(uri);
    if (cached && cached.version === text.version) return cached;
    const document = policyDocument(text.getText(), uri, text.version);
    this.compiled.set(uri, document);
    return document;
  }

  /** The last compiled version, however old; never compiles. */
  latest(uri: string): PolicyDocument | undefined {
    return this.compiled.get(uri);
  }

  /** The current text and version, without compiling. */
  text(uri: string): { text: string; version: number } | undefined {
    const text = this.texts.get(uri);
    return text ? { text: text.getText(), version: text.version } : undefined;
  }

  isCurrent(uri: string, version: number): boolean {
    return this.texts.get(uri)?.version === version;
  }

  close(uri: string): void {
    this.compiled.delete(uri);
  }
}
