import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { SecretBox } from '../../secrets/SecretBox.js';
import type { Repositories } from '../types.js';
import { PgSsoRepository } from './PgSsoRepository.js';
import { PgApprovalRepository } from './PgApprovalRepository.js';
import { PgControlRepository } from './PgControlRepository.js';
import { PgCheckpointRepository } from './PgCheckpointRepository.js';
import { PgMerkleRepository } from './PgMerkleRepository.js';
import { PgSigningKeyRepository } from './PgSigningKeyRepository.js';
import { PgExportSinkRepository } from './PgExportSinkRepository.js';
import { PgUserRepository } from './PgUserRepository.js';
import { PgSlackRepository } from './PgSlackRepository.js';
import { PgWebhookRepository } from './PgWebhookRepository.js';
import { PgApiKeyRepository } from './PgApiKeyRepository.js';
import { PgIdempotencyRepository } from './PgIdempotencyRepository.js';
import { PgIntentRepository } from './PgIntentRepository.js';
import { PgLedgerRepository } from './PgLedgerRepository.js';
import { PgOrganisationRepository } from './PgOrganisationRepository.js';
import { PgPolicyRepository } from './PgPolicyRepository.js';
import { PgShadowRepository } from './PgShadowRepository.js';
import { PgSessionRepository } from './PgSessionRepository.js';
import { PgNumbersRepository } from './PgNumbersRepository.js';
import { PgReplayRepository } from './PgReplayRepository.js';
import { PgStripeRepository } from './PgStripeRepository.js';
import { PgProjectionRepository } from './PgProjectionRepository.js';
import { PgRateLimitRepository } from './PgRateLimitRepository.js';
import { PgListRepository } from './PgListRepository.js';
import { PgLeaseRepository } from './PgLeaseRepository.js';
import { PgNotificationOutboxRepository } from './PgNotificationOutboxRepository.js';

/** Every repository over one connection (the pool, or one transaction). */
export function pgRepositories(db: PgConnection, secrets: SecretBox): Repositories {
  return {
    organisations: new PgOrganisationRepository(db),
    apiKeys: new PgApiKeyRepository(db),
    policies: new PgPolicyRepository(db),
    ledger: new PgLedgerRepository(db),
    intents: new PgIntentRepository(db),
    idempotency: new PgIdempotencyRepository(db),
    users: new PgUserRepository(db),
    approvals: new PgApprovalRepository(db),
    controls: new PgControlRepository(db),
    webhooks: new PgWebhookRepository(db, secrets),
    slack: new PgSlackRepository(db, secrets),
    merkle: new PgMerkleRepository(db),
    checkpoints: new PgCheckpointRepository(db),
    signingKeys: new PgSigningKeyRepository(db, secrets),
    replays: new PgReplayRepository(db),
    stripe: new PgStripeRepository(db, secrets),
    numbers: new PgNumbersRepository(db),
    exportSinks: new PgExportSinkRepository(db, secrets),
    shadows: new PgShadowRepository(db),
    sessions: new PgSessionRepository(db),
    projections: new PgProjectionRepository(db),
    sso: new PgSsoRepository(db, secrets),
    rateLimits: new PgRateLimitRepository(db),
    lists: new PgListRepository(db),
    leases: new PgLeaseRepository(db),
    notifications: new PgNotificationOutboxRepository(db),
  };
}
