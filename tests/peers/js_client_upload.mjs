// Uploads a file to a tus 1.0 server with tus-js-client (Node), the reference
// tus client from the npm registry, authenticating with a client certificate
// (mutual TLS) as a kiosk does. Used by tests/integration/tus_test.cpp to check
// that our hub speaks tus to an implementation we did not write.
//
//   node js_client_upload.mjs --endpoint URL --file FILE --cert C --key K --ca CA
//        [--meta key=value]... [--chunk BYTES] [--cut-at FRACTION]
//
// --cut-at 0.5 aborts the transfer once half the file was sent and starts it
// again: tus-js-client then asks the server (HEAD) where to resume.
// Prints one JSON line: {"url", "size", "resumedFrom", "cut", "heads"}.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as tus from 'tus-js-client';

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    file: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    ca: { type: 'string' },
    meta: { type: 'string', multiple: true, default: [] },
    chunk: { type: 'string', default: '1048576' },
    'cut-at': { type: 'string' },
  },
});
for (const name of ['endpoint', 'file', 'cert', 'key', 'ca']) {
  if (!args[name]) {
    console.error(`js_client_upload.mjs: --${name} is required`);
    process.exit(2);
  }
}

const metadata = {};
for (const pair of args.meta) {
  const eq = pair.indexOf('=');
  metadata[pair.slice(0, eq)] = pair.slice(eq + 1);
}
// A Buffer source can be read again from any offset when resuming.
const data = fs.readFileSync(args.file);
const cutAt = args['cut-at'] === undefined ? null : Number(args['cut-at']);
let cut = false;
let resumedFrom = null;
let heads = 0;

const upload = new tus.Upload(data, {
  endpoint: args.endpoint,
  chunkSize: Number(args.chunk),
  uploadSize: data.length,
  metadata,
  httpStack: new tus.DefaultHttpStack({
    cert: fs.readFileSync(args.cert),
    key: fs.readFileSync(args.key),
    ca: fs.readFileSync(args.ca),
  }),
  retryDelays: [0, 200, 500, 1000, 2000],
  storeFingerprintForResuming: false,
  onAfterResponse(req, res) {
    if (req.getMethod() === 'HEAD') {
      heads += 1;
      if (resumedFrom === null && cut) resumedFrom = Number(res.getHeader('Upload-Offset'));
    }
  },
  onProgress(sent, total) {
    if (cutAt !== null && !cut && sent >= total * cutAt) {
      cut = true;
      upload.abort(false).then(() => upload.start());
    }
  },
  onSuccess() {
    console.log(JSON.stringify({ url: upload.url, size: data.length, resumedFrom, cut, heads }));
    process.exit(0);
  },
  onError(error) {
    console.error(`tus-js-client: ${error}`);
    process.exit(1);
  },
});
upload.start();
