// The static analysis worker: one message in (a version and its text), one out (its compiler
// diagnostics). The editor terminates it when a newer version makes the answer useless.
import { analyse } from './analysis';

self.onmessage = (event: MessageEvent<{ version: number; text: string }>) => {
  const { version, text } = event.data;
  self.postMessage({ version, diagnostics: analyse(text) });
};
