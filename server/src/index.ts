// @axiru/server: the decision API, the hash-chained ledger and its storage.

export { app, buildApp, type AppOptions, type BuildOptions } from './app.js';
export { startServer, type RunningServer } from './server.js';
export { resolveConfig, ConfigError, LOG_LEVELS, type ServerConfig, type ConfigFlags, type LogLevel } from './config.js';
export { ApiError, type ErrorBody } from './errors.js';
export { canonicalJson, CanonicalJsonError, type JsonValue } from '@axiru/runtime';
export { ChainVerifier, hashRecord, type ChainReport, type StoredRecord } from './ledger/chain.js';
export { GENESIS_HASH, type LedgerRecord, type RecordDraft, type RecordKind } from './ledger/record.js';
export type * from './repositories/types.js';
export { SqliteDatabase, databaseFile, DATABASE_FILE } from './storage/sqlite/SqliteDatabase.js';
export { SqliteStore } from './storage/sqlite/SqliteStore.js';
export { bootstrap, DEMO_POLICY_PATH } from './services/bootstrap.js';
export { verifyChain, verifyAllChains } from './services/verifyChain.js';
export { COUNTED_STATUSES } from './services/computeFacts.js';
export { createOrganisation, type NewOrganisation, type CreateOrganisationOptions } from './services/organisations.js';
export { compilePolicy, PolicyService } from './services/PolicyService.js';
export { verifyWebhook, signWebhook, SIGNATURE_HEADER, WEBHOOK_EVENTS } from './services/webhooks.js';
