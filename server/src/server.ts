import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { redactUrl } from './storage/postgres/openPostgres.js';
import type { ServerConfig } from './config.js';
import { bootstrap } from './services/bootstrap.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** http://host:port of the listening server. */
  readonly url: string;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** A path as one shell word, quoted only when it needs to be, so a printed command can be pasted. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * Builds the app, creates the demo organisation on a first start (printing its keys, the only
 * time they are ever shown), and listens. Nothing else happens here.
 */
export async function startServer(config: ServerConfig, out: (line: string) => void = console.log): Promise<RunningServer> {
  const app = await buildApp({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    logLevel: config.logLevel,
    logFormat: config.logFormat,
    maxBatch: config.maxBatch,
    maxBatchPerOrg: config.maxBatchPerOrg,
    checkpointIntervalMs: config.checkpointIntervalMs,
    metricsToken: config.metricsToken,
    exportPollMs: config.exportPollMs,
    exportRetryBaseMs: config.exportRetryBaseMs,
    email: config.email,
    publicUrl: config.publicUrl,
    rateLimits: config.rateLimits,
    connectionLimits: config.connectionLimits,
  });
  try {
    await app.ready();
    const first = await bootstrap(app.store);
    // After bootstrap, so a config line may leave out the organisation of a fresh data folder.
    await app.exportSinks.configure(config.exports ?? []);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = `http://${urlHost(config.host)}:${port}`;
    // Links in approval emails point here unless AXIRU_PUBLIC_URL says where the dashboard is.
    app.email?.useBaseUrl(url);
    app.sso.useBaseUrl(url);
    const where = config.databaseUrl !== undefined ? `the PostgreSQL database ${redactUrl(config.databaseUrl)}` : config.dataDir;
    if (first.created) {
      out(`Created the demo organisation (${first.orgId}) with examples/acme.axiru live, in ${where}.`);
      out('Its keys are shown this once and stored only as hashes:');
      out(`AXIRU_DECISION_KEY=${first.decisionKey}`);
      out(`AXIRU_ADMIN_KEY=${first.adminKey}`);
      out('The demo admin signs in to the dashboard with (shown this once):');
      out(`AXIRU_DEMO_EMAIL=${first.demoEmail}`);
      out(`AXIRU_DEMO_PASSWORD=${first.demoPassword}`);
    } else if (config.databaseUrl !== undefined) {
      // Another server (or an earlier start) created the installation; its keys are not shown again.
      const db = shellWord(redactUrl(config.databaseUrl));
      out(`Database: ${where} already holds an Axiru installation (its keys were printed on its first start and are stored only as hashes).`);
      out(`New keys: npx axiru keys create --database-url ${db} --kind decision (or --kind admin)`);
    } else {
      // The keys of the first start are never shown again: say how to make new ones.
      const data = shellWord(config.dataDir);
      out(`Data folder: ${config.dataDir} (its keys were printed on its first start and are stored only as hashes).`);
      out(`New keys: npx axiru keys create --data ${data} --kind decision (or --kind admin)`);
      out(`A dashboard sign-in: npx axiru users add --data ${data} --email you@example.com --name "Your Name" --roles admin --password`);
    }
    out(`Dashboard: ${url}/`);
    out(`Axiru API: ${url}/api/decision`);
    out(`API docs:  ${url}/docs`);
    return { app, url, close: () => app.close() };
  } catch (error) {
    await app.close();
    // A plugin that failed while the app booted leaves the onClose hooks unrun: the database
    // (and its checkpoint thread) would stay open and keep the process from exiting.
    await (app as Partial<FastifyInstance>).db?.close();
    throw error;
  }
}
