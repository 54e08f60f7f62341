// MongoDB wire-protocol test server for the vmtp test suite.
//
// Runs CongoDB, the pure-TypeScript OP_MSG server shipped inside the npm
// package @push.rocks/smartmongo 2.2.0 (see docs/mongodb.md for why this
// one), on 127.0.0.1 with an OS-chosen port and in-memory storage.
// Prints "listening on 127.0.0.1:PORT" once it accepts connections, and
// exits on SIGTERM/SIGINT or when its standard input closes (so it never
// outlives the test that started it).
import { CongoServer } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';

const server = new CongoServer({ host: '127.0.0.1', port: 0, storage: 'memory' });
await server.start();
const addr = server.server.address();
process.stdout.write(`listening on ${addr.address}:${addr.port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
