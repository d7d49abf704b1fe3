// The files layout (objectLayout.ts) in an S3 bucket, through the official SDK, so any
// S3-compatible store works with `endpoint` + `force_path_style`. The data object is put
// before its manifest; S3 PUTs are atomic per object and a re-sent batch overwrites both.

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { layOut, planByHour } from './objectLayout.js';
import { DeliveryError, type ExportBatch, type ExportEvent, type Sink } from './Sink.js';
import type { S3Settings } from './sinkConfig.js';

export class S3Sink implements Sink {
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly settings: S3Settings, timeoutMs: number) {
    this.client = new S3Client({
      region: settings.region ?? 'us-east-1',
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.force_path_style ?? false,
      ...(settings.access_key_id && settings.secret_access_key
        ? { credentials: { accessKeyId: settings.access_key_id, secretAccessKey: settings.secret_access_key, ...(settings.session_token ? { sessionToken: settings.session_token } : {}) } }
        : {}),
      // The deliverer retries with its own backoff and keeps the error to show it.
      maxAttempts: 1,
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
    });
    const prefix = settings.prefix ?? '';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  plan(events: readonly ExportEvent[]): number {
    return planByHour(events, this.settings.batch_size);
  }

  async send(batch: ExportBatch): Promise<void> {
    const laid = layOut(batch, this.settings.format);
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.settings.bucket, Key: `${this.prefix}${laid.path}`, Body: laid.data, ContentType: 'application/gzip',
      }));
      await this.client.send(new PutObjectCommand({
        Bucket: this.settings.bucket, Key: `${this.prefix}${laid.manifestPath}`, Body: laid.manifest, ContentType: 'application/json',
      }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new DeliveryError(`S3 PutObject ${laid.path} failed${status ? ` (HTTP ${status})` : ''}: ${message}`.slice(0, 500));
    }
  }

  close(): void {
    this.client.destroy();
  }
}
