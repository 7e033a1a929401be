#!/usr/bin/env node
// Runs one benchmark module under V8 and prints one JSON line:
//   {"checksum": "...", "compile_ms": x, "instantiate_ms": y, "run_ms": z}
// Usage: node [V8 flags] node_harness.js FILE.wasm [--compile-only]
// The engine tier is chosen with V8 flags on the node command line, e.g.
//   node --liftoff-only --no-wasm-lazy-compilation node_harness.js k.wasm   (Liftoff)
//   node --no-liftoff   --no-wasm-lazy-compilation node_harness.js k.wasm   (TurboFan)
// Without --no-wasm-lazy-compilation, V8 compiles functions on first call, so
// compile_ms would measure validation only and run_ms would include compilation.
'use strict';
const fs = require('fs');

function main(argv) {
  const file = argv.find((a) => !a.startsWith('--'));
  const compileOnly = argv.includes('--compile-only');
  if (!file) {
    process.stderr.write('usage: node_harness.js FILE.wasm [--compile-only]\n');
    return 2;
  }
  const bytes = fs.readFileSync(file);
  const ms = (a, b) => Number(b - a) / 1e6;

  const t0 = process.hrtime.bigint();
  const module = new WebAssembly.Module(bytes); // synchronous compile
  const t1 = process.hrtime.bigint();
  const out = { compile_ms: ms(t0, t1) };
  if (!compileOnly) {
    const instance = new WebAssembly.Instance(module, {});
    const t2 = process.hrtime.bigint();
    const result = instance.exports.run();
    const t3 = process.hrtime.bigint();
    out.instantiate_ms = ms(t1, t2);
    out.run_ms = ms(t2, t3);
    out.checksum = checksumString(result);
  }
  // Keep the key order of the contract: checksum first.
  const ordered = {};
  if ('checksum' in out) ordered.checksum = out.checksum;
  Object.assign(ordered, out);
  process.stdout.write(JSON.stringify(ordered) + '\n');
  return 0;
}

// run() returns i64 (BigInt, signed), i32 (Number, signed) or f64. The checksum
// is printed as an unsigned decimal string: u64 for i64, u32 for i32, and for
// f64 the bits as u64, so that every engine can be compared textually.
function checksumString(v) {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v).toString();
  if (Number.isInteger(v) && v >= -2147483648 && v <= 4294967295) return (v >>> 0).toString();
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString();
}

process.exitCode = main(process.argv.slice(2));
