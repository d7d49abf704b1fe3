import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as sent (headers and body), quoted-printable soft breaks joined. */
  readonly raw: string;
}

export interface LocalSmtp {
  /** smtp://127.0.0.1:PORT */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Messages `hold` kept unanswered (the sender waits for the server's reply). */
  readonly held: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message it accepts. A message
 * `hold` returns true for is never answered (nor accepted): its sender hangs on it.
 */
export async function startLocalSmtp(hold?: (mail: ReceivedMail) => boolean): Promise<LocalSmtp> {
  const received: ReceivedMail[] = [];
  const held: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8').replace(/=\r\n/g, ''),
        };
        if (hold?.(mail)) {
          held.push(mail);
          return;
        }
        received.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    held,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
