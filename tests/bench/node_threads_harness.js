// The node side of `run.py --suite threads`: the same measurement as tern_threads_bench.cpp with
// worker_threads. The main thread compiles threads/contention.wasm and makes one
// WebAssembly.Memory({initial: 1, maximum: 1, shared: true}); two workers instantiate the module
// over it and run incr(N) together, then ping(R, 0) / ping(R, 1). Each worker first calls
// incr(W) and ping(W, role) once (warm-up); the main thread then zeroes the cells, starts both
// workers together (Atomics on a separate SharedArrayBuffer) and times from the start until both
// have finished. Prints one JSON line with the keys tern-threads-bench prints.
// Usage: node [flags] node_threads_harness.js FILE.wasm [--incr N] [--ping R] [--warmup W]
'use strict';
const { Worker, isMainThread, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');

const READY = 0, GO = 1, DONE = 2;

function bump(ctl, i) {
  Atomics.add(ctl, i, 1);
  Atomics.notify(ctl, i);
}

function waitAtLeast(ctl, i, v) {
  for (let cur = Atomics.load(ctl, i); cur < v; cur = Atomics.load(ctl, i)) Atomics.wait(ctl, i, cur);
}

if (!isMainThread) {
  const { module, memory, ctlBuffer, role, incr, ping, warm } = workerData;
  const ctl = new Int32Array(ctlBuffer);
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  exports.incr(warm);
  exports.ping(warm, role);
  bump(ctl, READY);  // phase 1 (incr)
  waitAtLeast(ctl, GO, 1);
  exports.incr(incr);
  bump(ctl, DONE);
  bump(ctl, READY);  // phase 2 (ping)
  waitAtLeast(ctl, GO, 2);
  exports.ping(ping, role);
  bump(ctl, DONE);
} else {
  const argv = process.argv.slice(2);
  let file = null, incr = 5000000, ping = 20000, warm = 1000;
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--incr') incr = Number(argv[++i]);
    else if (argv[i] === '--ping') ping = Number(argv[++i]);
    else if (argv[i] === '--warmup') warm = Number(argv[++i]);
    else file = argv[i];
  }
  if (!file || !(incr > 0) || !(ping > 0)) {
    console.error('usage: node node_threads_harness.js FILE.wasm [--incr N] [--ping R] [--warmup W]');
    process.exit(2);
  }
  const module = new WebAssembly.Module(require('node:fs').readFileSync(file));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const ctlBuffer = new SharedArrayBuffer(16);
  const ctl = new Int32Array(ctlBuffer);
  const cells = new Int32Array(memory.buffer);
  const workers = [0, 1].map((role) => {
    const w = new Worker(__filename, { workerData: { module, memory, ctlBuffer, role, incr, ping, warm } });
    w.on('error', (e) => { console.error(`node_threads_harness: worker ${role}: ${e.message}`); process.exit(1); });
    return w;
  });
  const ms = [];
  for (let phase = 1; phase <= 2; ++phase) {
    waitAtLeast(ctl, READY, 2 * phase);
    if (phase === 1) {  // both workers are idle: clear what the warm-up left
      Atomics.store(cells, 0, 0);
      Atomics.store(cells, 16, 0);
    }
    const t0 = performance.now();
    Atomics.store(ctl, GO, phase);
    Atomics.notify(ctl, GO);
    waitAtLeast(ctl, DONE, 2 * phase);
    ms.push(performance.now() - t0);
  }
  let exited = 0;
  for (const w of workers) {
    w.on('exit', () => {
      if (++exited < 2) return;
      console.log(JSON.stringify({
        incr_ms: ms[0], incr_ops_per_s: 2 * incr / (ms[0] / 1e3),
        pingpong_ms: ms[1], pingpong_round_trip_us: ms[1] * 1e3 / ping,
        counter: Atomics.load(cells, 0) >>> 0, expected_counter: 2 * incr,
        turn: Atomics.load(cells, 16) >>> 0, expected_turn: 2 * ping,
      }));
    });
  }
}
