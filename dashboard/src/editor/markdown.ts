// Hover text is Markdown as the language server writes it: paragraphs, fenced code, `code` and
// **bold**; names such as `finance_manager` keep their underscores. Rendered with DOM nodes
// (never innerHTML), so policy text cannot inject markup.
export function renderMarkdown(markdown: string): HTMLElement {
  const root = document.createElement('div');
  root.className = 'cm-policy-hover';
  let fence: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      if (fence) {
        const pre = document.createElement('pre');
        pre.textContent = fence.join('\n');
        root.append(pre);
        fence = null;
      } else fence = [];
      continue;
    }
    if (fence) {
      fence.push(line);
      continue;
    }
    if (line.trim() === '' || line.trim() === '---') continue;
    const p = document.createElement('p');
    appendInline(p, line);
    root.append(p);
  }
  return root;
}

function appendInline(parent: HTMLElement, text: string): void {
  for (const part of text.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
    if (part === '') continue;
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
      const code = document.createElement('code');
      code.textContent = part.slice(1, -1);
      parent.append(code);
    } else if (part.startsWith('**') && part.endsWith('**') && part.length > 3) {
      const strong = document.createElement('strong');
      strong.textContent = part.slice(2, -2);
      parent.append(strong);
    } else parent.append(document.createTextNode(part));
  }
}
