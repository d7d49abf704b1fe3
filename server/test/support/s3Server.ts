import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface LocalS3 {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** s3rver (a local S3-compatible server) on 127.0.0.1:0 storing into `directory`. */
export async function startLocalS3(directory: string, buckets: readonly string[]): Promise<LocalS3> {
  const server = new S3rver({
    address: '127.0.0.1', port: 0, directory, silent: true,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  return { endpoint: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
