import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { SecretBox } from '../../secrets/SecretBox.js';
import type { Repositories } from '../types.js';
import { SqliteSsoRepository } from './SqliteSsoRepository.js';
import { SqliteApprovalRepository } from './SqliteApprovalRepository.js';
import { SqliteControlRepository } from './SqliteControlRepository.js';
import { SqliteCheckpointRepository } from './SqliteCheckpointRepository.js';
import { SqliteMerkleRepository } from './SqliteMerkleRepository.js';
import { SqliteSigningKeyRepository } from './SqliteSigningKeyRepository.js';
import { SqliteExportSinkRepository } from './SqliteExportSinkRepository.js';
import { SqliteUserRepository } from './SqliteUserRepository.js';
import { SqliteSlackRepository } from './SqliteSlackRepository.js';
import { SqliteWebhookRepository } from './SqliteWebhookRepository.js';
import { SqliteApiKeyRepository } from './SqliteApiKeyRepository.js';
import { SqliteIdempotencyRepository } from './SqliteIdempotencyRepository.js';
import { SqliteIntentRepository } from './SqliteIntentRepository.js';
import { SqliteLedgerRepository } from './SqliteLedgerRepository.js';
import { SqliteOrganisationRepository } from './SqliteOrganisationRepository.js';
import { SqlitePolicyRepository } from './SqlitePolicyRepository.js';
import { SqliteShadowRepository } from './SqliteShadowRepository.js';
import { SqliteSessionRepository } from './SqliteSessionRepository.js';
import { SqliteNumbersRepository } from './SqliteNumbersRepository.js';
import { SqliteReplayRepository } from './SqliteReplayRepository.js';
import { SqliteStripeRepository } from './SqliteStripeRepository.js';
import { SqliteProjectionRepository } from './SqliteProjectionRepository.js';
import { SqliteRateLimitRepository } from './SqliteRateLimitRepository.js';
import { SqliteListRepository } from './SqliteListRepository.js';
import { SqliteLeaseRepository } from './SqliteLeaseRepository.js';
import { SqliteNotificationOutboxRepository } from './SqliteNotificationOutboxRepository.js';

/** Every repository over one connection (statements are prepared once, here). */
export function sqliteRepositories(db: SqliteConnection, secrets: SecretBox): Repositories {
  return {
    organisations: new SqliteOrganisationRepository(db),
    apiKeys: new SqliteApiKeyRepository(db),
    policies: new SqlitePolicyRepository(db),
    ledger: new SqliteLedgerRepository(db),
    intents: new SqliteIntentRepository(db),
    idempotency: new SqliteIdempotencyRepository(db),
    users: new SqliteUserRepository(db),
    approvals: new SqliteApprovalRepository(db),
    controls: new SqliteControlRepository(db),
    webhooks: new SqliteWebhookRepository(db, secrets),
    slack: new SqliteSlackRepository(db, secrets),
    merkle: new SqliteMerkleRepository(db),
    checkpoints: new SqliteCheckpointRepository(db),
    signingKeys: new SqliteSigningKeyRepository(db, secrets),
    replays: new SqliteReplayRepository(db),
    stripe: new SqliteStripeRepository(db, secrets),
    numbers: new SqliteNumbersRepository(db),
    exportSinks: new SqliteExportSinkRepository(db, secrets),
    shadows: new SqliteShadowRepository(db),
    sessions: new SqliteSessionRepository(db),
    projections: new SqliteProjectionRepository(db),
    sso: new SqliteSsoRepository(db, secrets),
    rateLimits: new SqliteRateLimitRepository(db),
    lists: new SqliteListRepository(db),
    leases: new SqliteLeaseRepository(db),
    notifications: new SqliteNotificationOutboxRepository(db),
  };
}
