#!/usr/bin/env node
// The node side of tests/bench/instantiate/run.py: compiles a module once, then times loops
// of `new WebAssembly.Instance(module, imports)`, the init export (if given), the export (if
// given) with argument 7, and dropping the instance. Prints one JSON line:
//   {"node": {"per_sec": x, "median_us": y}, "iterations": N, "repeat": R}
// (the best loop's instances per second, the best loop's median latency). A module with
// imports gets node's WASI preview1 import object (never started), each function wrapped.
// Usage: node node_instantiate.js FILE.wasm [--call NAME] [--init NAME] [--iterations N] [--repeat R]
'use strict';
const fs = require('fs');
const { WASI } = require('wasi');

function main(argv) {
  const o = { call: '', init: '', iterations: 2000, repeat: 5 };
  let file = '';
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--call') o.call = argv[++i];
    else if (a === '--init') o.init = argv[++i];
    else if (a === '--iterations') o.iterations = Math.max(1, Number(argv[++i]));
    else if (a === '--repeat') o.repeat = Math.max(1, Number(argv[++i]));
    else if (!a.startsWith('-') && !file) file = a;
    else {
      process.stderr.write('usage: node_instantiate.js FILE.wasm [--call NAME] [--init NAME] [--iterations N] [--repeat R]\n');
      return 2;
    }
  }
  const module = new WebAssembly.Module(fs.readFileSync(file));
  const imports = WebAssembly.Module.imports(module).length > 0
    ? wrapped(new WASI({ version: 'preview1', args: [file], env: {}, returnOnExit: true }).getImportObject())
    : {};
  const once = () => {
    const instance = new WebAssembly.Instance(module, imports);
    if (o.init) instance.exports[o.init]();
    if (o.call) instance.exports[o.call](7);
  };
  for (let i = 0; i < o.iterations / 10 + 1; ++i) once();  // warm-up (and lazy compilation)
  let perSec = 0;
  let medianUs = 0;
  for (let r = 0; r < o.repeat; ++r) {
    const us = new Float64Array(o.iterations);
    const loopStart = process.hrtime.bigint();
    for (let i = 0; i < o.iterations; ++i) {
      const t = process.hrtime.bigint();
      once();
      us[i] = Number(process.hrtime.bigint() - t) / 1e3;
    }
    const seconds = Number(process.hrtime.bigint() - loopStart) / 1e9;
    us.sort();
    perSec = Math.max(perSec, o.iterations / seconds);
    const median = us[us.length >> 1];
    medianUs = medianUs === 0 ? median : Math.min(medianUs, median);
  }
  process.stdout.write(JSON.stringify({ node: { per_sec: Math.round(perSec), median_us: Number(medianUs.toFixed(2)) },
                                        iterations: o.iterations, repeat: o.repeat }) + '\n');
  return 0;
}

// Each WASI function behind a plain JS function, as tests/bench/node_wasi_harness.js does: with
// node's own WASI functions as imports, V8 spends about 350 us more per instantiation (measured
// with node 20.20 on the C module), which would flatter tern.
function wrapped(importObject) {
  const out = {};
  for (const [ns, fns] of Object.entries(importObject)) {
    out[ns] = {};
    for (const [name, f] of Object.entries(fns)) out[ns][name] = (...args) => f(...args);
  }
  return out;
}

process.exitCode = main(process.argv.slice(2));
