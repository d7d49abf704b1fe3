// The VS Code side of Axiru: a language client, nothing more. Everything about the language
// (diagnostics, completion, hover, lenses, formatting, the commands' work) lives in the language
// server, bundled beside this file as dist/server.js; here its answers are only shown.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** Commands of the language server (language-server/src/server.ts, SERVER_COMMANDS). */
const SERVER = { compile: 'axiru.server.compile', runExamples: 'axiru.server.runExamples', replay: 'axiru.server.replay' } as const;

interface StatusParams {
  readonly uri: string;
  readonly state: 'checked' | 'analysing' | 'analysed' | 'replayed';
  readonly final?: boolean;
}

interface ExamplesResult {
  readonly compiled: boolean;
  readonly examples: readonly {
    readonly name: string;
    readonly line: number;
    readonly passed: boolean;
    readonly expected: { readonly outcome: string; readonly rule: string | null };
    readonly actual: { readonly outcome: string; readonly rule: string | null; readonly reason: string };
  }[];
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const output = vscode.window.createOutputChannel('Axiru');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'axiru' }],
    outputChannel: output,
  };
  client = new LanguageClient('axiru', 'Axiru', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  status.text = '$(sync~spin) Axiru: analysing';
  status.tooltip = 'Looking for rules that can never match or never decide';
  context.subscriptions.push(output, status);

  const policyUri = (argument: unknown): string | undefined => {
    if (typeof argument === 'string') return argument;
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId === 'axiru') return editor.document.uri.toString();
    void vscode.window.showWarningMessage('Open an Axiru policy (.axiru) first.');
    return undefined;
  };
  const run = async <T>(command: string, uri: string): Promise<T> =>
    (await client!.sendRequest(ExecuteCommandRequest.type, { command, arguments: [uri] })) as T;

  context.subscriptions.push(
    vscode.commands.registerCommand('axiru.compile', async (argument?: unknown) => {
      const uri = policyUri(argument);
      if (!uri) return;
      const result = await run<{ ir: unknown; diagnostics: { severity: string }[] }>(SERVER.compile, uri);
      if (!result.ir) {
        const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
        void vscode.window.showErrorMessage(`The policy has ${errors} error${errors === 1 ? '' : 's'}: see the Problems panel.`);
        return;
      }
      const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(result.ir, null, 2)}\n` });
      await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('axiru.runExamples', async (argument?: unknown) => {
      const uri = policyUri(argument);
      if (!uri) return;
      const result = await run<ExamplesResult>(SERVER.runExamples, uri);
      if (!result.compiled) {
        void vscode.window.showErrorMessage('Examples run once the policy has no errors.');
        return;
      }
      const described = (o: { outcome: string; rule: string | null }) => (o.rule ? `${o.outcome} by ${o.rule}` : o.outcome);
      output.appendLine(`Examples of ${vscode.Uri.parse(uri).fsPath}`);
      for (const e of result.examples) {
        output.appendLine(e.passed ? `  ✓ ${e.name} (line ${e.line}): ${described(e.actual)}` : `  ✗ ${e.name} (line ${e.line}): expects ${described(e.expected)}, decides ${described(e.actual)} — ${e.actual.reason}`);
      }
      const failed = result.examples.filter((e) => !e.passed).length;
      output.show(true);
      const summary = `${result.examples.length - failed} of ${result.examples.length} examples pass`;
      if (failed > 0) void vscode.window.showErrorMessage(summary);
      else void vscode.window.showInformationMessage(summary);
    }),
    vscode.commands.registerCommand('axiru.replay', async (argument?: unknown) => {
      const uri = policyUri(argument);
      if (!uri) return;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Axiru: replaying history' }, () =>
        run<{ text: string | null; message: string | null }>(SERVER.replay, uri),
      );
      if (result.text) {
        output.appendLine(result.text);
        output.show(true);
        return;
      }
      const choice = await vscode.window.showWarningMessage(`Cannot replay: ${result.message ?? 'no history'}`, 'Open Settings');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'axiru.history');
    }),
  );

  client.onNotification('axiru/status', (params: StatusParams) => {
    if (params.state === 'analysing') status.show();
    else if (params.final) status.hide();
  });
  await client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
