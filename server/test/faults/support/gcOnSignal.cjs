// Preloaded into a server process under test (node --expose-gc --require this): on SIGUSR2 it
// collects garbage fully and prints its memory, so a test can compare memory after GC without
// any admin endpoint in the server.
process.on('SIGUSR2', () => {
  global.gc();
  global.gc();
  process.stderr.write(`axiru-test-memory ${JSON.stringify(process.memoryUsage())}\n`);
});
