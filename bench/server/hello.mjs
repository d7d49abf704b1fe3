// The ceiling of the HTTP stack: a bare fastify POST route that parses a JSON body and answers
// a small JSON object, with nothing behind it. Prints its URL once it listens.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/hello', async (request) => ({ hello: 'world', got: typeof request.body }));
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address();
console.log(`listening http://127.0.0.1:${port}`);
process.on('SIGTERM', () => void app.close());
