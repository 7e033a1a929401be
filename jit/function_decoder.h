// FunctionDecoder<Consumer>: decodes and fully validates one function body in one pass and
// calls a consumer with validated types (the validator is the empty consumer, the compiler
// another), as V8's WasmFullDecoder does.
//
// DESIGN
// 1. Operand and control stacks follow the validation algorithm of the spec's appendix:
//    ValType::Unknown is the polymorphic operand of unreachable code.
// 2. The consumer sees an operator only after it validated. Structural operators (block, loop,
//    if, else, end) always reach it; every other operator only when the code is reachable, so
//    dead code after br/return/unreachable is checked but never compiled.
// 3. Operators with a fixed signature in opcodes.def are typed from the table (one generic
//    path); the decoder types only the "x" rows by hand.
// 4. The first error stops decoding; it carries the byte offset and the function index.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "jit/module.h"
#include "jit/opcodes.h"
#include "jit/reader.h"

namespace tern {

struct MemArg {
  uint32_t align_log2 = 0;
  uint64_t offset = 0;
  uint32_t memory = 0;
};

// Immediates of a fixed-signature operator, decoded.
struct Immediates {
  MemArg mem;
  uint8_t lane = 0;
  const uint8_t* bytes16 = nullptr;  // v128.const value / i8x16.shuffle lanes
  uint32_t a = 0;                    // data/elem segment, memory or table index
  uint32_t b = 0;                    // second memory/table index (copy), table of table.init
};

// A block's type: params and results.
struct BlockSig {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

// The empty consumer: the validator. Other consumers override what they need.
struct NullConsumer {
  // A consumer that failed (e.g. an operator the compiler lacks) stops the decoder early.
  bool failed() const { return false; }
  void begin_function(const FuncType&, std::span<const ValType> /*locals incl. params*/) {}
  void end_function() {}
  // Structure: always called, with `reachable` telling whether the code before it was.
  void on_block(Op /*Block, Loop, If*/, const BlockSig&, bool /*reachable*/) {}
  void on_else(bool /*reachable*/) {}
  void on_end(bool /*reachable*/) {}  // the function body's final end included
  // Reachable operators only.
  void on_unreachable() {}
  void on_br(uint32_t /*depth*/) {}
  void on_br_if(uint32_t /*depth*/) {}
  void on_br_table(std::span<const uint32_t> /*targets, default last*/) {}
  void on_return() {}
  void on_call(Op /*Call, ReturnCall*/, uint32_t /*func*/, const FuncType&) {}
  void on_call_indirect(Op, uint32_t /*type*/, uint32_t /*table*/, const FuncType&) {}
  void on_drop(ValType) {}
  void on_select(ValType) {}
  void on_local(Op, uint32_t /*index*/, ValType) {}
  void on_global(Op, uint32_t /*index*/, ValType) {}
  void on_table(Op /*get, set, size, grow, fill*/, uint32_t /*table*/) {}
  void on_memory(Op /*memory.size, memory.grow*/, uint32_t /*memory*/) {}
  void on_const(Op, uint64_t /*bits*/) {}
  void on_ref_null(ValType) {}
  void on_ref_is_null() {}
  void on_ref_func(uint32_t /*func*/) {}
  // Every operator with a fixed signature (numeric, memory, bulk, SIMD, atomics).
  void on_simple(Op, const Immediates&) {}
};

template <class Consumer>
class FunctionDecoder {
 public:
  FunctionDecoder(const ModuleInfo& m, uint32_t func, const Features& features, const DecodeLimits& limits,
                  Consumer& consumer)
      : m_(m), func_(func), features_(features), limits_(limits), consumer_(consumer),
        r_(m.range(m.functions[func].body), m.functions[func].body.offset) {
    r_.set_context("section 10 (code), " + m.describe_function(func));
  }

  Status decode() {
    const FuncType& type = m_.func_type(func_);
    locals_.assign(type.params.begin(), type.params.end());
    if (!decode_locals()) return r_.error();
    consumer_.begin_function(type, locals_);
    push_ctrl(Op::Block, {}, type.results);
    while (!ctrls_.empty()) {
      if (r_.at_end()) {
        r_.fail("unexpected end of function body (END opcode expected)");
        break;
      }
      if (!step()) break;
      if (consumer_.failed()) return {};  // the consumer reports its own error
    }
    if (r_.failed()) return r_.error();
    if (!r_.at_end()) {
      r_.fail("operators remaining after end of function");
      return r_.error();
    }
    consumer_.end_function();
    return {};
  }

 private:
  struct Ctrl {
    Op op;
    BlockSig sig;
    uint32_t height;
    bool unreachable;
    bool seen_else;
  };

  // ---- locals ----------------------------------------------------------------------------
  bool decode_locals() {
    uint32_t groups = r_.u32("local declaration count");
    uint64_t total = locals_.size();
    for (uint32_t i = 0; i < groups && r_.ok(); ++i) {
      uint32_t n = r_.u32("local count");
      ValType t = read_valtype();
      total += n;
      if (total > limits_.max_locals + m_.func_type(func_).params.size()) {
        r_.fail("too many locals (limit " + std::to_string(limits_.max_locals) + ")");
        return false;
      }
      locals_.insert(locals_.end(), n, t);
    }
    return r_.ok();
  }

  ValType read_valtype() {
    size_t at = r_.offset();
    uint8_t b = r_.u8("value type");
    switch (b) {
      case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x70: case 0x6f:
        return static_cast<ValType>(b);
      case 0x7b:
        if (features_.simd) return ValType::V128;
        break;
      default:
        break;
    }
    if (r_.ok()) r_.fail_at(at, "malformed value type 0x" + hex(b));
    return ValType::Unknown;
  }

  // ---- operand stack ---------------------------------------------------------------------
  void push(ValType t) { vals_.push_back(t); }
  void push(std::span<const ValType> ts) { vals_.insert(vals_.end(), ts.begin(), ts.end()); }

  ValType pop() {
    Ctrl& c = ctrls_.back();
    if (vals_.size() == c.height) {
      if (c.unreachable) return ValType::Unknown;
      invalid("type mismatch: expected an operand but the stack is empty");
      return ValType::Unknown;
    }
    ValType t = vals_.back();
    vals_.pop_back();
    return t;
  }

  ValType pop(ValType expect) {
    Ctrl& c = ctrls_.back();
    if (vals_.size() == c.height) {
      if (c.unreachable) return ValType::Unknown;
      invalid("type mismatch: expected " + std::string(to_string(expect)) + " but the stack is empty");
      return ValType::Unknown;
    }
    ValType t = vals_.back();
    vals_.pop_back();
    if (t != expect && t != ValType::Unknown && expect != ValType::Unknown)
      invalid("type mismatch: expected " + std::string(to_string(expect)) + ", found " + std::string(to_string(t)));
    return t;  // Unknown stays Unknown: br_table pushes back what it popped
  }

  void pop(std::span<const ValType> ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }

  // ---- control stack ---------------------------------------------------------------------
  void push_ctrl(Op op, std::span<const ValType> params, std::span<const ValType> results) {
    ctrls_.push_back(Ctrl{op, BlockSig{params, results}, static_cast<uint32_t>(vals_.size()), false, false});
    push(params);
  }

  // Pops the frame's results; the caller removes the frame.
  bool check_frame_end() {
    Ctrl& c = ctrls_.back();
    pop(c.sig.results);
    if (vals_.size() != c.height) {
      invalid("type mismatch: " + std::to_string(vals_.size() - c.height) + " values left on the stack at end of block");
      return false;
    }
    return r_.ok();
  }

  void set_unreachable() {
    Ctrl& c = ctrls_.back();
    vals_.resize(c.height);
    c.unreachable = true;
  }

  bool reachable() const { return !ctrls_.back().unreachable; }

  static std::span<const ValType> label_types(const Ctrl& c) {
    return c.op == Op::Loop ? c.sig.params : c.sig.results;
  }

  const Ctrl* label(uint32_t depth) {
    if (depth >= ctrls_.size()) {
      invalid("unknown label " + std::to_string(depth) + " (depth " + std::to_string(ctrls_.size()) + ")");
      return nullptr;
    }
    return &ctrls_[ctrls_.size() - 1 - depth];
  }

  // ---- helpers ---------------------------------------------------------------------------
  static std::string hex(uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    do { s.insert(s.begin(), digits[v & 15]); v >>= 4; } while (v);
    if (s.size() < 2) s.insert(s.begin(), '0');
    return s;
  }

  void invalid(std::string msg) { r_.invalid_at(op_offset_, std::move(msg)); }

  BlockSig read_block_type() {
    int64_t bt = r_.s33("block type");
    if (r_.failed()) return {};
    if (bt == -0x40) return {};
    if (bt < 0) {
      uint8_t byte = static_cast<uint8_t>(bt & 0x7f);
      switch (byte) {
        case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x70: case 0x6f: case 0x7b:
          if (byte == 0x7b && !features_.simd) break;
          return BlockSig{{}, single(static_cast<ValType>(byte))};
        default:
          break;
      }
      r_.fail_at(op_offset_ + 1, "malformed block type");
      return {};
    }
    if (static_cast<uint64_t>(bt) >= m_.types.size()) {
      invalid("unknown type " + std::to_string(bt));
      return {};
    }
    const FuncType& t = m_.types[bt];
    return BlockSig{t.params, t.results};
  }

  static std::span<const ValType> single(ValType t) {
    static constexpr ValType kTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                         ValType::V128, ValType::FuncRef, ValType::ExternRef};
    for (const ValType& k : kTypes)
      if (k == t) return {&k, 1};
    return {};
  }

  bool check_memory(uint32_t mem) {
    if (mem >= m_.memories.size()) {
      invalid("unknown memory " + std::to_string(mem));
      return false;
    }
    return true;
  }
  bool check_table(uint32_t table) {
    if (table >= m_.tables.size()) {
      invalid("unknown table " + std::to_string(table));
      return false;
    }
    return true;
  }
  bool check_data(uint32_t seg) {
    if (!m_.data_count) {
      r_.fail_at(op_offset_, "data count section required");
      return false;
    }
    if (seg >= *m_.data_count) {
      invalid("unknown data segment " + std::to_string(seg));
      return false;
    }
    return true;
  }
  bool check_elem(uint32_t seg) {
    if (seg >= m_.elems.size()) {
      invalid("unknown elem segment " + std::to_string(seg));
      return false;
    }
    return true;
  }

  // A byte that must be zero in WebAssembly 2.0 (memory index before multi-memory).
  uint32_t memory_index() {
    if (features_.multi_memory) return r_.u32("memory index");
    uint8_t b = r_.u8("memory index");
    if (b != 0 && r_.ok()) r_.fail("zero byte expected (memory index)");
    return 0;
  }

  MemArg read_memarg(const OpInfo& oi) {
    MemArg ma;
    uint32_t flags = r_.u32("alignment");
    if (features_.multi_memory && (flags & 0x40)) {
      flags &= ~0x40u;
      ma.memory = r_.u32("memory index");
    }
    ma.align_log2 = flags;
    ma.offset = r_.u32("offset");
    if (r_.failed()) return ma;
    if (!check_memory(ma.memory)) return ma;
    uint32_t natural = 0;
    while ((1u << natural) < oi.mem_bytes) ++natural;
    if (oi.prefix == 0xfe) {
      if (ma.align_log2 != natural) invalid("alignment must be equal to natural for atomics");
    } else if (ma.align_log2 > natural) {
      invalid("alignment must not be larger than natural");
    }
    return ma;
  }

  static uint32_t lane_count(const OpInfo& oi) {
    if (oi.imm == Imm::MemArgLane) return 16 / oi.mem_bytes;
    std::string_view t = oi.text;
    if (t.starts_with("i8x16")) return 16;
    if (t.starts_with("i16x8")) return 8;
    if (t.starts_with("i32x4") || t.starts_with("f32x4")) return 4;
    return 2;
  }

  // ---- one operator ----------------------------------------------------------------------
  bool step() {
    op_offset_ = r_.offset();
    uint8_t b = r_.u8("opcode");
    uint16_t id;
    if (is_prefix(b)) {
      uint32_t sub = r_.u32("opcode");
      if (r_.failed()) return false;
      id = lookup_op(b, sub);
      if (id == kNoOp) return illegal(b, sub);
    } else {
      id = lookup_op(0, b);
      if (id == kNoOp) return illegal(0, b);
    }
    Op op = static_cast<Op>(id);
    const OpInfo& oi = info(op);
    if (!features_.has(oi.feature)) return illegal(oi.prefix, oi.code);
    if (oi.sig.special) decode_special(op);
    else decode_simple(op, oi);
    return r_.ok();
  }

  bool illegal(uint8_t prefix, uint32_t code) {
    std::string what = prefix ? "0x" + hex(prefix) + " 0x" + hex(code) : "0x" + hex(code);
    r_.fail_at(op_offset_, "illegal opcode " + what);
    return false;
  }

  void decode_simple(Op op, const OpInfo& oi) {
    Immediates imm;
    switch (oi.imm) {
      case Imm::None: break;
      case Imm::MemArg: imm.mem = read_memarg(oi); break;
      case Imm::MemArgLane:
        imm.mem = read_memarg(oi);
        imm.lane = r_.u8("lane index");
        if (r_.ok() && imm.lane >= lane_count(oi)) invalid("invalid lane index " + std::to_string(imm.lane));
        break;
      case Imm::Lane:
        imm.lane = r_.u8("lane index");
        if (r_.ok() && imm.lane >= lane_count(oi)) invalid("invalid lane index " + std::to_string(imm.lane));
        break;
      case Imm::V128: imm.bytes16 = r_.bytes(16, "v128 constant").data(); break;
      case Imm::Shuffle:
        imm.bytes16 = r_.bytes(16, "shuffle lanes").data();
        for (int i = 0; r_.ok() && i < 16; ++i)
          if (imm.bytes16[i] >= 32) invalid("invalid lane index " + std::to_string(imm.bytes16[i]));
        break;
      case Imm::Fence:
        if (r_.u8("fence flags") != 0 && r_.ok()) r_.fail("zero byte expected (atomic.fence)");
        break;
      case Imm::Memory: imm.a = memory_index(); if (r_.ok()) check_memory(imm.a); break;
      case Imm::MemoryCopy:
        imm.a = memory_index();
        imm.b = memory_index();
        if (r_.ok() && check_memory(imm.a)) check_memory(imm.b);
        break;
      case Imm::MemoryInit:
        imm.a = r_.u32("data segment index");
        imm.b = memory_index();
        if (r_.ok() && check_memory(imm.b)) check_data(imm.a);
        break;
      case Imm::Data: imm.a = r_.u32("data segment index"); if (r_.ok()) check_data(imm.a); break;
      case Imm::Elem: imm.a = r_.u32("elem segment index"); if (r_.ok()) check_elem(imm.a); break;
      case Imm::TableInit:
        imm.a = r_.u32("elem segment index");
        imm.b = r_.u32("table index");
        if (r_.ok() && check_elem(imm.a) && check_table(imm.b) && m_.elems[imm.a].type != m_.tables[imm.b].elem)
          invalid("type mismatch: elem segment of " + std::string(to_string(m_.elems[imm.a].type)) +
                  " into a table of " + std::string(to_string(m_.tables[imm.b].elem)));
        break;
      case Imm::TableCopy:
        imm.a = r_.u32("destination table index");
        imm.b = r_.u32("source table index");
        if (r_.ok() && check_table(imm.a) && check_table(imm.b) && m_.tables[imm.a].elem != m_.tables[imm.b].elem)
          invalid("type mismatch: table.copy between tables of different element types");
        break;
      default:
        r_.fail("internal: unhandled immediate kind for " + std::string(oi.text));
        return;
    }
    if (r_.failed()) return;
    for (int i = oi.sig.num_params; i-- > 0;) pop(oi.sig.params[i]);
    for (int i = 0; i < oi.sig.num_results; ++i) push(oi.sig.results[i]);
    if (r_.ok() && reachable()) consumer_.on_simple(op, imm);
  }

  void decode_special(Op op) {
    switch (op) {
      case Op::Unreachable:
        if (reachable()) consumer_.on_unreachable();
        set_unreachable();
        return;
      case Op::Block:
      case Op::Loop:
      case Op::If: {
        BlockSig sig = read_block_type();
        if (r_.failed()) return;
        if (op == Op::If) pop(ValType::I32);
        pop(sig.params);
        bool was_reachable = reachable();
        push_ctrl(op, sig.params, sig.results);
        if (r_.ok()) consumer_.on_block(op, sig, was_reachable);
        return;
      }
      case Op::Else: {
        Ctrl& c = ctrls_.back();
        if (c.op != Op::If || c.seen_else) {
          r_.fail_at(op_offset_, "else without matching if");
          return;
        }
        bool was_reachable = reachable();
        if (!check_frame_end()) return;
        c.seen_else = true;
        c.unreachable = false;
        push(c.sig.params);
        consumer_.on_else(was_reachable);
        return;
      }
      case Op::End: {
        Ctrl& c = ctrls_.back();
        bool was_reachable = reachable();
        if (!check_frame_end()) return;
        if (c.op == Op::If && !c.seen_else && !std::equal(c.sig.params.begin(), c.sig.params.end(),
                                                          c.sig.results.begin(), c.sig.results.end())) {
          invalid("type mismatch: if without else must leave its params as its results");
          return;
        }
        BlockSig sig = c.sig;
        ctrls_.pop_back();
        push(sig.results);
        consumer_.on_end(was_reachable);  // also for the function's own frame (the last end)
        return;
      }
      case Op::Br: {
        uint32_t depth = r_.u32("label index");
        const Ctrl* l = r_.ok() ? label(depth) : nullptr;
        if (!l) return;
        pop(label_types(*l));
        if (r_.ok() && reachable()) consumer_.on_br(depth);
        set_unreachable();
        return;
      }
      case Op::BrIf: {
        uint32_t depth = r_.u32("label index");
        const Ctrl* l = r_.ok() ? label(depth) : nullptr;
        if (!l) return;
        pop(ValType::I32);
        auto types = label_types(*l);
        pop(types);
        push(types);
        if (r_.ok() && reachable()) consumer_.on_br_if(depth);
        return;
      }
      case Op::BrTable: return decode_br_table();
      case Op::Return: {
        pop(ctrls_.front().sig.results);
        if (r_.ok() && reachable()) consumer_.on_return();
        set_unreachable();
        return;
      }
      case Op::Call:
      case Op::ReturnCall: {
        uint32_t f = r_.u32("function index");
        if (r_.failed()) return;
        if (f >= m_.functions.size()) return invalid("unknown function " + std::to_string(f));
        const FuncType& t = m_.func_type(f);
        return decode_call(op, t, [&] { consumer_.on_call(op, f, t); });
      }
      case Op::CallIndirect:
      case Op::ReturnCallIndirect: {
        uint32_t type = r_.u32("type index");
        uint32_t table = r_.u32("table index");
        if (r_.failed()) return;
        if (!check_table(table)) return;
        if (type >= m_.types.size()) return invalid("unknown type " + std::to_string(type));
        if (m_.tables[table].elem != ValType::FuncRef)
          return invalid("type mismatch: call_indirect through a table of " +
                         std::string(to_string(m_.tables[table].elem)));
        pop(ValType::I32);
        const FuncType& t = m_.types[type];
        return decode_call(op, t, [&] { consumer_.on_call_indirect(op, type, table, t); });
      }
      case Op::Drop: {
        ValType t = pop();
        if (r_.ok() && reachable()) consumer_.on_drop(t);
        return;
      }
      case Op::Select: {
        pop(ValType::I32);
        ValType t1 = pop();
        ValType t2 = pop();
        if (r_.failed()) return;
        if (is_ref(t1) || is_ref(t2)) return invalid("type mismatch: select without a type on reference operands");
        if (t1 != t2 && t1 != ValType::Unknown && t2 != ValType::Unknown)
          return invalid("type mismatch: select operands " + std::string(to_string(t2)) + " and " +
                         std::string(to_string(t1)));
        ValType t = t1 == ValType::Unknown ? t2 : t1;
        push(t);
        if (reachable()) consumer_.on_select(t);
        return;
      }
      case Op::SelectT: {
        uint32_t n = r_.u32("select type count");
        if (r_.failed()) return;
        if (n != 1) return invalid("invalid result arity for select: " + std::to_string(n));
        ValType t = read_valtype();
        if (r_.failed()) return;
        pop(ValType::I32);
        pop(t);
        pop(t);
        push(t);
        if (r_.ok() && reachable()) consumer_.on_select(t);
        return;
      }
      case Op::LocalGet:
      case Op::LocalSet:
      case Op::LocalTee: {
        uint32_t i = r_.u32("local index");
        if (r_.failed()) return;
        if (i >= locals_.size()) return invalid("unknown local " + std::to_string(i));
        ValType t = locals_[i];
        if (op != Op::LocalGet) pop(t);
        if (op != Op::LocalSet) push(t);
        if (r_.ok() && reachable()) consumer_.on_local(op, i, t);
        return;
      }
      case Op::GlobalGet:
      case Op::GlobalSet: {
        uint32_t i = r_.u32("global index");
        if (r_.failed()) return;
        if (i >= m_.globals.size()) return invalid("unknown global " + std::to_string(i));
        const GlobalType& g = m_.globals[i].type;
        if (op == Op::GlobalSet) {
          if (!g.mut) return invalid("global is immutable: global.set of global " + std::to_string(i));
          pop(g.type);
        } else {
          push(g.type);
        }
        if (r_.ok() && reachable()) consumer_.on_global(op, i, g.type);
        return;
      }
      case Op::TableGet:
      case Op::TableSet:
      case Op::TableGrow:
      case Op::TableSize:
      case Op::TableFill: {
        uint32_t table = r_.u32("table index");
        if (r_.failed() || !check_table(table)) return;
        ValType t = m_.tables[table].elem;
        switch (op) {
          case Op::TableGet: pop(ValType::I32); push(t); break;
          case Op::TableSet: pop(t); pop(ValType::I32); break;
          case Op::TableGrow: pop(ValType::I32); pop(t); push(ValType::I32); break;
          case Op::TableSize: push(ValType::I32); break;
          default: pop(ValType::I32); pop(t); pop(ValType::I32); break;  // fill: i, ref, n
        }
        if (r_.ok() && reachable()) consumer_.on_table(op, table);
        return;
      }
      case Op::MemorySize:
      case Op::MemoryGrow: {
        uint32_t mem = memory_index();
        if (r_.failed() || !check_memory(mem)) return;
        if (op == Op::MemoryGrow) pop(ValType::I32);
        push(ValType::I32);
        if (r_.ok() && reachable()) consumer_.on_memory(op, mem);
        return;
      }
      case Op::I32Const: return push_const(op, ValType::I32, static_cast<uint32_t>(r_.s32("i32 constant")));
      case Op::I64Const: return push_const(op, ValType::I64, static_cast<uint64_t>(r_.s64("i64 constant")));
      case Op::F32Const: return push_const(op, ValType::F32, r_.fixed_u32("f32 constant"));
      case Op::F64Const: return push_const(op, ValType::F64, r_.fixed_u64("f64 constant"));
      case Op::RefNull: {
        size_t at = r_.offset();
        uint8_t b = r_.u8("reference type");
        if (r_.failed()) return;
        if (b != 0x70 && b != 0x6f) return r_.fail_at(at, "malformed reference type 0x" + hex(b));
        push(static_cast<ValType>(b));
        if (reachable()) consumer_.on_ref_null(static_cast<ValType>(b));
        return;
      }
      case Op::RefIsNull: {
        ValType t = pop();
        if (r_.failed()) return;
        if (t != ValType::Unknown && !is_ref(t))
          return invalid("type mismatch: ref.is_null expects a reference, found " + std::string(to_string(t)));
        push(ValType::I32);
        if (reachable()) consumer_.on_ref_is_null();
        return;
      }
      case Op::RefFunc: {
        uint32_t f = r_.u32("function index");
        if (r_.failed()) return;
        if (f >= m_.functions.size()) return invalid("unknown function " + std::to_string(f));
        if (!m_.declared_refs[f]) return invalid("undeclared function reference " + std::to_string(f));
        push(ValType::FuncRef);
        if (reachable()) consumer_.on_ref_func(f);
        return;
      }
      case Op::Nop:
        return;
      default:
        r_.fail("internal: operator " + std::string(name(op)) + " has no decoder");
        return;
    }
  }

  void push_const(Op op, ValType t, uint64_t bits) {
    if (r_.failed()) return;
    push(t);
    if (reachable()) consumer_.on_const(op, bits);
  }

  template <class Emit>
  void decode_call(Op op, const FuncType& t, Emit emit) {
    pop(t.params);
    if (op == Op::ReturnCall || op == Op::ReturnCallIndirect) {
      // A tail call's results must be exactly the caller's results.
      if (!std::equal(t.results.begin(), t.results.end(), ctrls_.front().sig.results.begin(),
                      ctrls_.front().sig.results.end()))
        return invalid("type mismatch: tail call results differ from the function's results");
      if (r_.ok() && reachable()) emit();
      set_unreachable();
      return;
    }
    push(t.results);
    if (r_.ok() && reachable()) emit();
  }

  void decode_br_table() {
    uint32_t n = r_.u32("br_table size");
    if (r_.failed()) return;
    if (n > limits_.max_br_table_size || n >= r_.remaining())
      return r_.fail("br_table size " + std::to_string(n) + " out of bounds");
    targets_.clear();
    for (uint32_t i = 0; i <= n && r_.ok(); ++i) targets_.push_back(r_.u32("label index"));
    if (r_.failed()) return;
    pop(ValType::I32);
    const Ctrl* def = label(targets_.back());
    if (!def) return;
    size_t arity = label_types(*def).size();
    for (uint32_t depth : targets_) {
      const Ctrl* l = label(depth);
      if (!l) return;
      auto types = label_types(*l);
      if (types.size() != arity)
        return invalid("type mismatch: br_table targets with different arities");
      // Check against the stack without consuming it (the spec's pop-then-push).
      popped_.clear();
      auto& popped = popped_;
      for (size_t i = types.size(); i-- > 0;) popped.push_back(pop(types[i]));
      if (r_.failed()) return;
      for (size_t i = popped.size(); i-- > 0;) push(popped[i]);
    }
    pop(label_types(*def));
    if (r_.ok() && reachable()) consumer_.on_br_table(targets_);
    set_unreachable();
  }

  const ModuleInfo& m_;
  uint32_t func_;
  Features features_;     // copies: callers may pass temporaries
  DecodeLimits limits_;
  Consumer& consumer_;
  Reader r_;
  size_t op_offset_ = 0;
  std::vector<ValType> locals_;
  std::vector<ValType> vals_;
  std::vector<Ctrl> ctrls_;
  std::vector<uint32_t> targets_;
  std::vector<ValType> popped_;
};

}  // namespace tern
