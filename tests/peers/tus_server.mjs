// A tus 1.0 server from the npm registry (@tus/server + @tus/file-store) over
// HTTPS, for the interop tests of our kiosk uploader (tests/integration/tus_test.cpp).
// @tus/file-store implements creation, termination and expiration but not the
// checksum extension, so it is also our "server without checksums".
//
//   node tus_server.mjs --cert server.pem --key server-key.pem --dir DIR --port-file FILE
//                       [--reject-first-patch]
//
// Listens on 127.0.0.1 on a free port, writes the port to FILE (atomically),
// serves uploads under /files/ until SIGTERM. --reject-first-patch answers the
// first PATCH with 460 Checksum Mismatch, as a server that found a corrupted
// chunk would, to check that the client sends the chunk again.
import fs from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const { values: args } = parseArgs({
  options: {
    cert: { type: 'string' },
    key: { type: 'string' },
    dir: { type: 'string' },
    'port-file': { type: 'string' },
    'reject-first-patch': { type: 'boolean', default: false },
  },
});
for (const name of ['cert', 'key', 'dir', 'port-file']) {
  if (!args[name]) {
    console.error(`tus_server.mjs: --${name} is required`);
    process.exit(2);
  }
}

let rejected = false;
const tus = new Server({
  path: '/files',
  // Behind node:https the server cannot tell its own scheme: a relative Location
  // keeps clients on the https origin they called.
  relativeLocation: true,
  datastore: new FileStore({ directory: args.dir }),
  async onIncomingRequest(req) {
    if (args['reject-first-patch'] && req.method === 'PATCH' && !rejected) {
      rejected = true;
      throw { status_code: 460, body: 'Checksum Mismatch (injected by the test)\n' };
    }
  },
});

const host = https.createServer(
  { cert: fs.readFileSync(args.cert), key: fs.readFileSync(args.key) },
  (req, res) => tus.handle(req, res),
);
host.listen(0, '127.0.0.1', () => {
  const tmp = `${args['port-file']}.tmp`;
  fs.writeFileSync(tmp, `${host.address().port}\n`);
  fs.renameSync(tmp, args['port-file']);
  console.log(`@tus/server listening on https://127.0.0.1:${host.address().port}/files`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    host.closeAllConnections?.();
    host.close(() => process.exit(0));
  });
}
