import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';

/** The channel on which servers of one PostgreSQL database signal sealed records. */
export const LEDGER_CHANNEL = 'axiru_ledger';

/**
 * On PostgreSQL, forwards the ledger feed's signal between servers (LISTEN/NOTIFY), so a
 * dashboard's live ledger connected to one server shows records sealed by any. The signal
 * carries only the sending server's id: readers re-read their organisation's chain after the
 * seq they last sent (services/ledgerFeed.ts), so a lost or repeated signal loses or repeats
 * nothing. A burst of commits sends one NOTIFY per turn of the event loop.
 */
export const ledgerNotifyPlugin = fp(async (app) => {
  const postgres = app.postgres;
  if (!postgres) return;
  const self = randomBytes(8).toString('hex');
  let relaying = false;
  let pending = false;
  const listening = await postgres.sql.listen(LEDGER_CHANNEL, (payload: string) => {
    if (payload === self) return;
    relaying = true;
    try {
      app.ledgerFeed.committed();
    } finally {
      relaying = false;
    }
  });
  const unsubscribe = app.ledgerFeed.subscribe(() => {
    if (relaying || pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      postgres.sql.notify(LEDGER_CHANNEL, self).catch((error: unknown) => app.log.warn({ err: error }, 'NOTIFY of the ledger feed failed'));
    });
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    await listening.unlisten().catch(() => undefined);
  });
}, { name: 'axiru-ledger-notify', fastify: '5.x', dependencies: ['axiru-db'] });
