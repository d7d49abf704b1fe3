// The language server as a process: `axiru-language-server --stdio` (or `--node-ipc`,
// `--socket=N`: vscode-languageserver picks the transport from the command line).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
// Nothing a document holds may take the server down: log and carry on.
process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
startServer(connection, { worker: new URL('./worker.js', import.meta.url) });
