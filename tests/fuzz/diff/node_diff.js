// node_diff.js: the V8 side of the differential fuzzer; prints the same trace as tern-diff
// (see tern_diff.cpp for the format) for every module of a plan.
//
//   node node_diff.js PLAN.json
'use strict';
const fs = require('fs');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

const f64 = new Float64Array(1);
const f64bits = new BigUint64Array(f64.buffer);

function formatValue(type, v) {
  switch (type) {
    case 'i32': return String(v >>> 0);
    case 'i64': return BigInt.asUintN(64, v).toString();
    case 'f32':
    case 'f64':
      if (Number.isNaN(v)) return 'nan';
      f64[0] = v;
      return '0x' + f64bits[0].toString(16).padStart(16, '0');
    case 'funcref':
    case 'externref': return v === null ? 'null' : 'ref';
    default: return '?';
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

// Arguments arrive as [type, unsigned decimal bits].
function argValue(type, text) {
  const bits = BigInt(text);
  switch (type) {
    case 'i32': return Number(BigInt.asIntN(32, bits));
    case 'i64': return BigInt.asIntN(64, bits);
    case 'f32': u32[0] = Number(bits); return f32[0];
    case 'f64': f64bits[0] = bits; return f64[0];
    default: return null;
  }
}

// 32-bit FNV-1a over little-endian 32-bit words, as tern-diff computes it.
function hashMemory(buffer) {
  const words = new Uint32Array(buffer);
  let h = 2166136261;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 16777619);
  return h >>> 0;
}

function trapMessage(e) {
  if (e instanceof WebAssembly.RuntimeError) return e.message;
  if (e instanceof RangeError && /call stack/.test(e.message)) return 'stack: ' + e.message;
  if (e instanceof TypeError) return 'js type error: ' + e.message;
  return 'js error: ' + e.name + ': ' + e.message;
}

function runModule(index, m, out) {
  out.push('module ' + index);
  let instance;
  try {
    const module = new WebAssembly.Module(fs.readFileSync(m.path));
    const imports = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind !== 'function') throw new Error('unsupported import ' + imp.module + '.' + imp.name);
      imports[imp.module] = imports[imp.module] || {};
      const logType = imp.module === 'fuzzing-support' && imp.name.startsWith('log-') ? imp.name.slice(4) : null;
      imports[imp.module][imp.name] = (...args) => {
        if (logType !== null && args.length === 1) out.push('log ' + logType + ' ' + formatValue(logType, args[0]));
      };
    }
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    out.push('inst error ' + e.name + ' ' + e.message);
    return;
  }
  out.push('inst ok');
  const ex = instance.exports;
  for (const call of m.calls) {
    const name = call.export;
    if (call.skip !== undefined) {
      out.push('call ' + name + ' skip');
      continue;
    }
    const args = call.args.map(([t, v]) => argValue(t, v));
    try {
      let r = ex[name](...args);
      const types = call.results;
      if (types.length === 0) r = [];
      else if (types.length === 1) r = [r];
      out.push('call ' + name + ' ->' + r.map((v, i) => ' ' + formatValue(types[i], v)).join(''));
    } catch (e) {
      out.push('call ' + name + ' trap ' + trapMessage(e));
    }
    if (name === 'hangLimitInitializer') continue;
    if (m.memory && ex[m.memory] instanceof WebAssembly.Memory) {
      const buf = ex[m.memory].buffer;
      out.push('mem ' + buf.byteLength / 65536 + ' ' + hashMemory(buf));
    }
  }
  if (process.env.TERN_DIFF_DUMP && m.memory && ex[m.memory] instanceof WebAssembly.Memory)
    fs.writeFileSync(process.env.TERN_DIFF_DUMP + '/' + index + '.node.mem', new Uint8Array(ex[m.memory].buffer));
  for (const g of m.globals) {
    const glob = ex[g.name];
    if (!(glob instanceof WebAssembly.Global)) {
      out.push('global ' + g.name + ' missing');
      continue;
    }
    out.push('global ' + g.name + ' ' + formatValue(g.type, glob.value));
  }
}

plan.modules.forEach((m, i) => {
  const out = [];
  runModule(i, m, out);
  process.stdout.write(out.join('\n') + '\n');
});
