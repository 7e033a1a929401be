"""The little of the wasm binary format the differential fuzzer needs: the signatures of the
exported functions, the types of the globals, and a way to export every global (so both
engines can report their values after each call)."""

VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128",
            0x70: "funcref", 0x6F: "externref"}

# Sections in the order the binary format requires (ids; 12 = data count sits before code).
SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11]

GLOBAL_EXPORT_PREFIX = "__tern_g"


class Reader:
    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uleb(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def skip_sleb(self):
        while self.byte() & 0x80:
            pass

    def name(self):
        n = self.uleb()
        s = self.data[self.pos:self.pos + n].decode("utf-8", "replace")
        self.pos += n
        return s

    def limits(self):
        flags = self.byte()
        self.uleb()
        if flags & 1:
            self.uleb()

    def const_expr(self):
        while True:
            op = self.byte()
            if op == 0x0B:
                return
            if op in (0x41, 0x42):
                self.skip_sleb()
            elif op == 0x43:
                self.pos += 4
            elif op == 0x44:
                self.pos += 8
            elif op in (0x23, 0xD2):
                self.uleb()
            elif op == 0xD0:
                self.byte()
            elif op == 0xFD:
                sub = self.uleb()
                if sub != 12:
                    raise ValueError("unexpected SIMD opcode in constant expression")
                self.pos += 16
            else:
                # extended-const arithmetic (i32.add etc.) has no immediates
                pass


def uleb_bytes(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | 0x80 if v else b)
        if not v:
            return bytes(out)


def sections(data):
    """[(id, start of content, end of content)] after the 8-byte header."""
    r = Reader(data, 8)
    out = []
    while r.pos < len(data):
        sid = r.byte()
        size = r.uleb()
        out.append((sid, r.pos, r.pos + size))
        r.pos += size
    return out


class ModuleInfo:
    """types: [(params, results)]; funcs: type index per function (imports first);
    globals: valtype per global (imports first); exports: [(name, kind, index)]."""

    def __init__(self, data):
        self.types, self.funcs, self.globals, self.exports = [], [], [], []
        self.has_memory = False
        for sid, start, end in sections(data):
            r = Reader(data, start)
            if sid == 1:
                for _ in range(r.uleb()):
                    if r.byte() != 0x60:
                        raise ValueError("non-function type")
                    params = [VALTYPES.get(r.byte(), "?") for _ in range(r.uleb())]
                    results = [VALTYPES.get(r.byte(), "?") for _ in range(r.uleb())]
                    self.types.append((params, results))
            elif sid == 2:
                for _ in range(r.uleb()):
                    r.name()
                    r.name()
                    kind = r.byte()
                    if kind == 0:
                        self.funcs.append(r.uleb())
                    elif kind == 1:
                        r.byte()
                        r.limits()
                    elif kind == 2:
                        r.limits()
                        self.has_memory = True
                    elif kind == 3:
                        self.globals.append(VALTYPES.get(r.byte(), "?"))
                        r.byte()
            elif sid == 3:
                for _ in range(r.uleb()):
                    self.funcs.append(r.uleb())
            elif sid == 5:
                self.has_memory = self.has_memory or r.uleb() > 0
            elif sid == 6:
                for _ in range(r.uleb()):
                    self.globals.append(VALTYPES.get(r.byte(), "?"))
                    r.byte()
                    r.const_expr()
            elif sid == 7:
                for _ in range(r.uleb()):
                    name = r.name()
                    kind = r.byte()
                    self.exports.append((name, kind, r.uleb()))

    def func_signature(self, func_index):
        return self.types[self.funcs[func_index]]


def export_globals(data, info):
    """The module with every global exported as __tern_g<N> (and memory 0 as "memory" if
    no memory is exported). Returns (bytes, [(export name, valtype)])."""
    exported = {idx for _, kind, idx in info.exports if kind == 3}
    names = {name for name, _, _ in info.exports}
    added = []
    entries = bytearray()
    count = 0
    for index, valtype in enumerate(info.globals):
        name = GLOBAL_EXPORT_PREFIX + str(index)
        if index in exported or name in names:
            continue
        raw = name.encode()
        entries += uleb_bytes(len(raw)) + raw + bytes([3]) + uleb_bytes(index)
        added.append((name, valtype))
        count += 1
    if info.has_memory and not any(kind == 2 for _, kind, _ in info.exports) and "memory" not in names:
        entries += uleb_bytes(6) + b"memory" + bytes([2, 0])
        count += 1
    if count == 0:
        return data, added

    out = bytearray(data[:8])
    export_written = False
    for sid, start, end in sections(data):
        if sid == 7:
            r = Reader(data, start)
            old_count = r.uleb()
            content = uleb_bytes(old_count + count) + data[r.pos:end] + entries
            out += bytes([7]) + uleb_bytes(len(content)) + content
            export_written = True
            continue
        if (not export_written and sid in SECTION_ORDER
                and SECTION_ORDER.index(sid) > SECTION_ORDER.index(7)):
            content = uleb_bytes(count) + entries
            out += bytes([7]) + uleb_bytes(len(content)) + content
            export_written = True
        out += bytes([sid]) + uleb_bytes(end - start) + data[start:end]
    if not export_written:
        content = uleb_bytes(count) + entries
        out += bytes([7]) + uleb_bytes(len(content)) + content
    return bytes(out), added
