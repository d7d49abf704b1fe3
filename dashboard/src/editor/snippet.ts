// The language server writes snippets in LSP syntax (`${1:name}`, `$0`, `${1|a,b|}`, `\$`);
// CodeMirror's snippets take `${name}` fields, numbered `${1:name}`, and a lone `$` as itself.
// One pass, so that an escaped `\$10` is never read as the tab stop `$10`.
export function toCodeMirrorSnippet(lsp: string): string {
  return lsp.replace(/\\\$|\$\{(\d+)\|([^,|}]*)[^}]*\|\}|\$(\d+)/g, (match, choiceIndex: string | undefined, firstChoice: string | undefined, stop: string | undefined) => {
    if (match === '\\$') return '$';
    if (choiceIndex !== undefined) return `\${${choiceIndex}:${firstChoice ?? ''}}`;
    return stop === '0' ? '${}' : `\${${stop}}`;
  });
}
