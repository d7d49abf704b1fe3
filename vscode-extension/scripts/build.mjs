// Builds the extension into dist/ (what the .vsix ships):
// - syntaxes/axiru.tmLanguage.json from the YAML grammar;
// - dist/extension.js: the language client (VS Code provides `vscode`);
// - dist/server.js and dist/worker.js: the language server and its background worker, bundled
//   with the compiler and runtime from their sources, so the .vsix needs no node_modules.
//
// `node scripts/build.mjs` builds everything; `node scripts/build.mjs grammar` only the grammar.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const here = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The grammar as JSON, from its YAML source. */
export function grammarFromYaml(source = readFileSync(here('syntaxes/axiru.tmLanguage.yaml'), 'utf8')) {
  return yaml.load(source, { schema: yaml.CORE_SCHEMA });
}

export function buildGrammar() {
  const grammar = grammarFromYaml();
  writeFileSync(here('syntaxes/axiru.tmLanguage.json'), `${JSON.stringify(grammar, null, 2)}\n`);
}

export async function bundle() {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: true,
    logLevel: 'warning',
    // The server is ESM and finds its worker beside itself through import.meta.url; in a
    // CommonJS bundle that URL is the bundle's own file.
    define: { 'import.meta.url': '__axiruModuleUrl' },
    banner: { js: "const __axiruModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    alias: {
      '@axiru/compiler': here('../compiler/src/index.ts'),
      '@axiru/runtime': here('../runtime/src/index.ts'),
    },
  };
  await esbuild.build({ ...common, entryPoints: { extension: here('src/extension.ts') }, outdir: here('dist'), external: ['vscode'] });
  await esbuild.build({
    ...common,
    entryPoints: { server: here('../language-server/src/main.ts'), worker: here('../language-server/src/worker.ts') },
    outdir: here('dist'),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildGrammar();
  if (process.argv[2] !== 'grammar') await bundle();
}
