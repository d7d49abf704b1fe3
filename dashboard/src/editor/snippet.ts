// The language server writes snippets in LSP syntax (`${1:name}`, `$0`, `${1|a,b|}`, `\$`);
// CodeMirror's snippets take `${name}` fields, numbered `${1:name}`, and no escapes for `$`.
export function toCodeMirrorSnippet(lsp: string): string {
  return lsp
    .replace(/\$\{(\d+)\|([^,|}]*)[^}]*\|\}/g, (_m, n: string, first: string) => `\${${n}:${first}}`)
    .replace(/\$(\d+)/g, (_m, n: string) => (n === '0' ? '${}' : `\${${n}}`))
    .replace(/\\\$/g, '$')
    .replace(/\\\}/g, '}');
}
