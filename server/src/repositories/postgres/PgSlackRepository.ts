import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { SlackRepository, SlackSettings } from '../types.js';

import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';

export class PgSlackRepository implements SlackRepository {
  private readonly getStmt;
  private readonly putStmt;
  private readonly allStmt;
  private readonly putMessageStmt;
  private readonly getMessageStmt;

  constructor(private readonly db: PgConnection, private readonly secrets: SecretBox) {
    this.getStmt = db.prepare('SELECT * FROM slack_settings WHERE org_id = ?');
    this.putStmt = db.prepare(
      `INSERT INTO slack_settings (org_id, bot_token, channel, signing_secret) VALUES (@org_id, @bot_token, @channel, @signing_secret)
       ON CONFLICT (org_id) DO UPDATE SET bot_token = excluded.bot_token, channel = excluded.channel, signing_secret = excluded.signing_secret`);
    this.allStmt = db.prepare('SELECT * FROM slack_settings ORDER BY org_id');
    this.putMessageStmt = db.prepare(
      'INSERT INTO slack_messages (org_id, intent_id, channel, ts) VALUES (?, ?, ?, ?) ON CONFLICT (org_id, intent_id) DO UPDATE SET channel = excluded.channel, ts = excluded.ts');
    this.getMessageStmt = db.prepare('SELECT channel, ts FROM slack_messages WHERE org_id = ? AND intent_id = ?');
  }

  async getSettings(orgId: string): Promise<SlackSettings | null> {
    await this.db.lockOrg(orgId);
    const row = await this.getStmt.get(orgId) as SlackSettings | undefined;
    return row ? this.opened(row) : null;
  }

  async putSettings(settings: SlackSettings): Promise<void> {
    await this.putStmt.run({
      ...settings,
      bot_token: this.secrets.seal(SETTINGS.slackBotToken, settings.bot_token),
      signing_secret: this.secrets.seal(SETTINGS.slackSigningSecret, settings.signing_secret),
    });
  }

  async allSettings(): Promise<readonly SlackSettings[]> {
    return (await this.allStmt.all() as SlackSettings[]).map((row) => this.opened(row));
  }

  private opened(row: SlackSettings): SlackSettings {
    return {
      ...row,
      bot_token: this.secrets.open(SETTINGS.slackBotToken, row.bot_token),
      signing_secret: this.secrets.open(SETTINGS.slackSigningSecret, row.signing_secret),
    };
  }

  async putMessage(orgId: string, intentId: string, channel: string, ts: string): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.putMessageStmt.run(orgId, intentId, channel, ts);
  }

  async getMessage(orgId: string, intentId: string): Promise<{ channel: string; ts: string } | null> {
    return (await this.getMessageStmt.get(orgId, intentId) as { channel: string; ts: string } | undefined) ?? null;
  }
}
