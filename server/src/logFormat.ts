// How the server's log lines look: readable lines on a terminal, JSON Lines for anything that
// reads them (a file, journald, a log shipper). config.ts picks the format (AXIRU_LOG_FORMAT, or
// whether standard output is a terminal).

import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from './config.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * fastify's `logger` option. Pretty lines go through pino-pretty as a synchronous stream on this
 * thread rather than a worker transport: they then come out in order with the lines the server
 * prints itself (keys, URLs), and nothing is lost when the process exits. pino-pretty is loaded
 * only when it is used.
 */
export async function loggerOptions(level: Exclude<LogLevel, 'silent'>, format: LogFormat): Promise<FastifyServerOptions['logger']> {
  if (format === 'json') return { level };
  const { default: pretty } = await import('pino-pretty');
  return {
    level,
    stream: pretty({ sync: true, destination: 1, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }),
  };
}
