import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextSource } from '../../src/DocumentStore.js';

/** Open documents for the store, edited by replacing their whole text. */
export class Texts implements TextSource {
  private readonly documents = new Map<string, TextDocument>();

  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  set(uri: string, text: string): number {
    const previous = this.documents.get(uri);
    const version = (previous?.version ?? 0) + 1;
    this.documents.set(uri, TextDocument.create(uri, 'axiru', version, text));
    return version;
  }

  delete(uri: string): void {
    this.documents.delete(uri);
  }
}
