// Gzipped JSON Lines files in a local directory (objectLayout.ts). Each file is written to a
// temporary name, fsynced and renamed, then its manifest the same way, so a reader never sees
// a partial file and a manifest always describes a complete one. Only then is the batch
// acknowledged.

import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { layOut, planByHour } from './objectLayout.js';
import { DeliveryError, type ExportBatch, type ExportEvent, type Sink } from './Sink.js';
import type { FilesSettings } from './sinkConfig.js';

async function writeDurably(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export class FilesSink implements Sink {
  constructor(private readonly settings: FilesSettings) {}

  plan(events: readonly ExportEvent[]): number {
    return planByHour(events, this.settings.batch_size);
  }

  async send(batch: ExportBatch): Promise<void> {
    const laid = layOut(batch, this.settings.format);
    try {
      await writeDurably(join(this.settings.dir, laid.path), laid.data);
      await writeDurably(join(this.settings.dir, laid.manifestPath), laid.manifest);
    } catch (error) {
      throw new DeliveryError(`writing ${laid.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
