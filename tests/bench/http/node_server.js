// The load benchmark's node column: node's `http` module serving a tern native-ABI guest
// (e.g. build/samples/json-api.wasm) with the tern_http imports written in JS over
// WebAssembly.instantiate, and a minimal WASI (fd_write to stderr, everything else ENOSYS).
//
//   node node_server.js FILE.wasm [--listen 127.0.0.1:8082]
//
// One instance serves every request (node runs JS on one thread, so one request at a time, as
// one tern instance does). A trap answers 500 and replaces the instance, as tern does. A guest
// that never returns (json-api's GET /spin) would hang node's only thread: node has no way to
// interrupt wasm on the main thread, so the benchmark never sends it here.
// Prints "listening on HOST:PORT" once accepting.
'use strict';
const fs = require('fs');
const http = require('http');

function usage() {
  process.stderr.write('usage: node node_server.js FILE.wasm [--listen HOST:PORT]\n');
  process.exit(2);
}

let file = null;
let listen = '127.0.0.1:8082';
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--listen' && i + 1 < argv.length) listen = argv[++i];
  else if (!file && !argv[i].startsWith('--')) file = argv[i];
  else usage();
}
if (!file) usage();
const colon = listen.lastIndexOf(':');
if (colon < 0) usage();

const wasmModule = new WebAssembly.Module(fs.readFileSync(file));

// The exchange the imports read and write: the current request and its response.
let ex = null;
let memory = null;

class GuestFault extends Error {}

function bytes(ptr, len) {
  ptr >>>= 0;
  if (len < 0 || ptr + len > memory.buffer.byteLength) throw new GuestFault(`out of bounds: [${ptr}, +${len})`);
  return new Uint8Array(memory.buffer, ptr, len);
}

// A getter of the ABI: copies min(cap, len) bytes of buf to ptr, returns len.
function copyOut(buf, ptr, cap) {
  if (cap < 0) throw new GuestFault('negative capacity');
  const n = Math.min(cap, buf.length);
  bytes(ptr, n).set(buf.subarray(0, n));
  return buf.length;
}

const text = (ptr, len) => Buffer.from(bytes(ptr, len)).toString('latin1');

const ternHttp = {
  method: (ptr, cap) => copyOut(ex.method, ptr, cap),
  path: (ptr, cap) => copyOut(ex.path, ptr, cap),
  query: (ptr, cap) => copyOut(ex.query, ptr, cap),
  body: (ptr, cap) => copyOut(ex.body, ptr, cap),
  header: (namePtr, nameLen, ptr, cap) => {
    const value = ex.headers[text(namePtr, nameLen).toLowerCase()];
    if (value === undefined) return -1;
    return copyOut(Buffer.from(Array.isArray(value) ? value.join(', ') : value, 'latin1'), ptr, cap);
  },
  set_status: (code) => { ex.status = code; },
  set_header: (namePtr, nameLen, valPtr, valLen) => { ex.outHeaders.push([text(namePtr, nameLen), text(valPtr, valLen)]); },
  write: (ptr, len) => { ex.chunks.push(Buffer.from(bytes(ptr, len))); },
  // HTTP only: no WebSocket connection ever exists here.
  ws_message: () => 0,
  ws_send: () => -1,
  ws_close: () => {},
};

const WASI_ENOSYS = 52;
const WASI_EBADF = 8;
const WASI_ESPIPE = 70;
class ProcExit extends Error {}
const wasiImpl = {
  fd_write: (fd, iovs, iovsLen, nwrittenPtr) => {
    if (fd !== 1 && fd !== 2) return WASI_EBADF;
    const view = new DataView(memory.buffer);
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const p = view.getUint32(iovs + 8 * i, true);
      const l = view.getUint32(iovs + 8 * i + 4, true);
      process.stderr.write(Buffer.from(bytes(p, l)));  // the guest's stdout goes to the log too
      total += l;
    }
    view.setUint32(nwrittenPtr, total, true);
    return 0;
  },
  fd_seek: (fd) => (fd <= 2 ? WASI_ESPIPE : WASI_EBADF),
  fd_close: () => WASI_EBADF,
  proc_exit: (code) => { throw new ProcExit(`proc_exit(${code})`); },
};

function importObject() {
  const imports = { tern_http: ternHttp, wasi_snapshot_preview1: {} };
  for (const imp of WebAssembly.Module.imports(wasmModule)) {
    if (imp.module !== 'wasi_snapshot_preview1') continue;
    imports.wasi_snapshot_preview1[imp.name] = wasiImpl[imp.name] || (() => WASI_ENOSYS);
  }
  return imports;
}

let instance = null;
function freshInstance() {
  instance = new WebAssembly.Instance(wasmModule, importObject());
  memory = instance.exports.memory;
  if (instance.exports._initialize) instance.exports._initialize();
}
freshInstance();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const q = req.url.indexOf('?');
    ex = {
      method: Buffer.from(req.method, 'latin1'),
      path: Buffer.from(q < 0 ? req.url : req.url.slice(0, q), 'latin1'),
      query: Buffer.from(q < 0 ? '' : req.url.slice(q + 1), 'latin1'),
      headers: req.headers,  // names in lower case
      body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
      status: 200,
      outHeaders: [],
      chunks: [],
    };
    let failed = false;
    try {
      instance.exports.tern_http_handle();
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError || e instanceof GuestFault || e instanceof ProcExit)) throw e;
      failed = true;
    }
    if (failed) {
      freshInstance();
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('trapped\n');
      return;
    }
    const body = ex.chunks.length === 1 ? ex.chunks[0] : Buffer.concat(ex.chunks);
    const headers = {};
    for (const [k, v] of ex.outHeaders) headers[k] = v;
    headers['Content-Length'] = body.length;
    res.writeHead(ex.status, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(listen.slice(colon + 1)), listen.slice(0, colon), () => {
  const a = server.address();
  process.stdout.write(`listening on ${a.address}:${a.port}\n`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
