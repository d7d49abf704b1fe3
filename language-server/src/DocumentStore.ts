// Open policies and their checked versions. A version is checked at most once, when first
// needed: by the diagnostics scheduler, or by a request that needs positions in the current
// text (hover, go to definition...). Completion may take the latest check of any version
// instead, so that typing never waits for one. Each policy has its own IncrementalParser, so
// a check parses only the items an edit touched.
import { checkPolicy, IncrementalParser } from '@axiru/compiler';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { PolicyDocument } from './PolicyDocument.js';

export interface TextSource {
  get(uri: string): TextDocument | undefined;
}

export class DocumentStore {
  private readonly compiled = new Map<string, PolicyDocument>();
  private readonly parsers = new Map<string, IncrementalParser>();

  constructor(private readonly texts: TextSource) {}

  /** The current version, checked (now, if it was not yet). */
  current(uri: string): PolicyDocument | undefined {
    const text = this.texts.get(uri);
    if (!text) return undefined;
    const cached = this.compiled.get(uri);
    if (cached && cached.version === text.version) return cached;
    let parser = this.parsers.get(uri);
    if (!parser) this.parsers.set(uri, (parser = new IncrementalParser()));
    const source = text.getText();
    const document = new PolicyDocument(uri, text.version, checkPolicy(source, parser.parse(source)));
    this.compiled.set(uri, document);
    return document;
  }

  /** The last checked version, however old; never checks. */
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
    this.parsers.delete(uri);
  }
}
