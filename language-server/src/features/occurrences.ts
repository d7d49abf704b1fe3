// Where each named thing of a policy is declared and used: roles (declared by `roles`, used by
// approvals), rules (declared by `rule NAME:`, used by an example's `by`) and sources
// (declared by `sources`, used by `from`, `source is ...` and an example's `source:`).
// Go to definition, references, highlights, rename, hover and semantic tokens all read this.
import { visit, type Name, type Node, type PolicyFile, type Span } from '@axiru/compiler';

export type SymbolKind = 'role' | 'rule' | 'source';

export interface Occurrence {
  readonly kind: SymbolKind;
  readonly name: string;
  readonly span: Span;
  readonly declaration: boolean;
}

export function occurrencesOf(file: PolicyFile): Occurrence[] {
  const out: Occurrence[] = [];
  const add = (kind: SymbolKind, name: Name | null, declaration: boolean) => {
    if (name && name.text.length > 0) out.push({ kind, name: name.text, span: name.span, declaration });
  };
  visit(file, (node, path) => {
    switch (node.kind) {
      case 'RolesDecl':
        for (const role of node.chains.flat()) add('role', role, true);
        return false;
      case 'SourcesDecl':
        for (const source of node.names) add('source', source, true);
        return false;
      case 'Approval':
        for (const role of node.roles) add('role', role, false);
        return false;
      case 'Rule':
        add('rule', node.name, true);
        return true;
      case 'SourceQualifier':
        for (const source of node.names) add('source', source, false);
        return false;
      case 'Comparison':
        if (node.subject.field === 'source') {
          for (const value of node.values) if (value.kind === 'Symbol') out.push({ kind: 'source', name: value.name, span: value.span, declaration: false });
        }
        return true;
      case 'Example':
        add('rule', node.by, false);
        return true;
      case 'ExampleField':
        // Only a top-level `source:` is the refund's source; nested objects are metadata.
        if (node.key.text === 'source' && node.value?.kind === 'Symbol' && !isInMetadata(path)) {
          out.push({ kind: 'source', name: node.value.name, span: node.value.span, declaration: false });
        }
        return true;
      default:
        return true;
    }
  });
  return out.sort((a, b) => a.span.start - b.span.start);
}

function isInMetadata(path: readonly Node[]): boolean {
  return path.filter((node) => node.kind === 'ExampleObject').length > 1;
}

/** The occurrence under the cursor: the name containing the offset, or ending at it. */
export function occurrenceAt(occurrences: readonly Occurrence[], offset: number): Occurrence | undefined {
  return occurrences.find((o) => o.span.start <= offset && offset <= o.span.end);
}

/** Every occurrence of the same symbol. */
export function occurrencesOfSymbol(occurrences: readonly Occurrence[], target: Pick<Occurrence, 'kind' | 'name'>): Occurrence[] {
  return occurrences.filter((o) => o.kind === target.kind && o.name === target.name);
}
