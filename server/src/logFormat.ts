// How the server's log lines look: readable lines on a terminal, JSON Lines for anything that
// reads them (a file, journald, a log shipper). config.ts picks the format (AXIRU_LOG_FORMAT, or
// whether standard output is a terminal).

import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from './config.js';
import { safeError } from './plugins/logSerializers.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * fastify's `logger` option. Pretty lines go through pino-pretty as a synchronous stream on this
 * thread rather than a worker transport: they then come out in order with the lines the server
 * prints itself (keys, URLs), and nothing is lost when the process exits. pino-pretty is loaded
 * only when it is used.
 */
export async function loggerOptions(
  level: Exclude<LogLevel, 'silent'>,
  format: LogFormat,
  /** A destination of the caller's own for JSON lines (tests read them); stdout otherwise. */
  stream?: { write(line: string): void },
): Promise<FastifyServerOptions['logger']> {
  // Logged errors never carry the requests attached to them (secrets could ride along).
  const serializers = { err: (error: Error) => safeError(error) };
  if (stream) return { level, serializers, stream };
  if (format === 'json') return { level, serializers };
  const { default: pretty } = await import('pino-pretty');
  return {
    level,
    serializers,
    stream: pretty({ sync: true, destination: 1, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }),
  };
}
