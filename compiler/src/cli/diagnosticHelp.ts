// Help for each diagnostic code, for reports that describe their rules (SARIF): the code's
// section of compiler/docs/diagnostics.md (an example and a fix), read once, or its title when
// the document is not installed.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';

/** compiler/docs/diagnostics.md, from compiler/{src,dist}/cli/. */
const DOC = fileURLToPath(new URL('../../docs/diagnostics.md', import.meta.url));

export interface CodeHelp {
  readonly code: DiagnosticCode;
  readonly title: string;
  /** The section's text without its heading, as Markdown; the title when there is none. */
  readonly markdown: string;
  /** The same as plain text: code fences dropped, backticks kept. */
  readonly text: string;
}

let sections: Map<string, string> | null = null;

function docSections(): Map<string, string> {
  if (sections) return sections;
  sections = new Map();
  let text: string;
  try {
    text = readFileSync(DOC, 'utf8');
  } catch {
    return sections;
  }
  for (const part of text.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    const code = /^(AX\d{4})\b/.exec(part)?.[1];
    if (code) sections.set(code, part.slice(newline + 1).trim());
  }
  return sections;
}

export function codeHelp(code: DiagnosticCode): CodeHelp {
  const { title } = CODES[code];
  const markdown = docSections().get(code) ?? title;
  const text = markdown.replace(/^```.*$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return { code, title, markdown, text };
}
