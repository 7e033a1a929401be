#!/usr/bin/env node
// Runs a WASI command (tests/bench/wasi/) under V8 with node's `wasi` module, or times its
// instantiation.
//   node [V8 flags] node_wasi_harness.js FILE.wasm [ARGS...]
//       compiles FILE.wasm, instantiates it against WASI preview1 and runs _start; the program
//       prints its own result line ({"checksum": ..., "run_ms": ...}, timed inside the guest).
//       The exit status is the program's.
//   node [V8 flags] node_wasi_harness.js --instantiate N FILE.wasm
//       compiles once, then times N `new WebAssembly.Instance(module, imports)` (the same
//       import object each time, never started) and prints one JSON line:
//       {"compile_ms": x, "instantiate_best_ms": y, "instantiate_median_ms": z, "count": N}
// The tier comes from V8 flags, as for node_harness.js: `--liftoff-only
// --no-wasm-lazy-compilation` for Liftoff, none for node's default (lazy compilation, Liftoff
// first, TurboFan tier-up). node 20 prints an ExperimentalWarning for `wasi` on stderr.
'use strict';
const fs = require('fs');
const { WASI } = require('wasi');

function main(argv) {
  let count = 0;
  if (argv[0] === '--instantiate') {
    count = Number(argv[1]);
    argv = argv.slice(2);
    if (!(count >= 1)) {
      process.stderr.write('node_wasi_harness.js: --instantiate needs a count\n');
      return 2;
    }
  }
  const file = argv[0];
  if (!file) {
    process.stderr.write('usage: node_wasi_harness.js [--instantiate N] FILE.wasm [ARGS...]\n');
    return 2;
  }
  const wasi = new WASI({ version: 'preview1', args: [file, ...argv.slice(1)], env: {}, returnOnExit: true });
  const bytes = fs.readFileSync(file);
  const ms = (a, b) => Number(b - a) / 1e6;

  const t0 = process.hrtime.bigint();
  const module = new WebAssembly.Module(bytes);
  const t1 = process.hrtime.bigint();
  const needsWasi = WebAssembly.Module.imports(module).length > 0;
  const imports = needsWasi ? wrapped(wasi.getImportObject()) : {};
  if (!count) {
    const instance = new WebAssembly.Instance(module, imports);
    return needsWasi ? wasi.start(instance) : 0;
  }
  const times = [];
  for (let i = 0; i < count; ++i) {
    const a = process.hrtime.bigint();
    const instance = new WebAssembly.Instance(module, imports);
    const b = process.hrtime.bigint();
    if (!instance.exports) return 1;
    times.push(ms(a, b));
  }
  times.sort((x, y) => x - y);
  const out = {
    compile_ms: ms(t0, t1),
    instantiate_best_ms: times[0],
    instantiate_median_ms: times[times.length >> 1],
    count,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

// node 20 (seen with 20.20) dies of SIGABRT, printing nothing, partway through json.wasm when the
// module imports node's WASI functions directly; the same calls made through plain JS functions
// run to the end with the right checksum. The programs make few WASI calls, all outside the
// timed work, so the extra JS frame costs nothing measurable.
function wrapped(importObject) {
  const out = {};
  for (const [ns, fns] of Object.entries(importObject)) {
    out[ns] = {};
    for (const [name, f] of Object.entries(fns)) out[ns][name] = (...args) => f(...args);
  }
  return out;
}

process.exitCode = main(process.argv.slice(2));
