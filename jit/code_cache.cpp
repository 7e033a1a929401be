// The on-disk code cache (DESIGN block in jit/code_cache.h).
#include "jit/code_cache.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include "jit/compiler/simd.h"

namespace tern {
namespace {

constexpr char kMagic[8] = {'T', 'E', 'R', 'N', 'C', 'O', 'D', 'E'};
constexpr const char* kSuffix = ".tcode";

#ifndef TERN_VERSION
#define TERN_VERSION "unknown"
#endif

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t header_bytes;
  uint8_t key[32];
  char tern_version[16];
  uint64_t cpu_features;
  uint32_t num_functions;  // imported ones included (their offsets are 0)
  uint32_t num_imported;
  uint32_t code_bytes;
  uint32_t num_relocations;  // always 0 (position-independent code)
  uint32_t reserved[2];
};
static_assert(sizeof(FileHeader) == 96, "the file format fixes the header size");

// The GNU build id of the object that contains this code: a rebuilt tern (another compiler)
// must not load code the old one wrote, even at the same version number.
std::string build_id() {
  static const std::string id = [] {
    struct Search {
      uintptr_t address;
      std::string id;
    } search{reinterpret_cast<uintptr_t>(&build_id), {}};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) -> int {
          auto* s = static_cast<Search*>(data);
          bool contains = false;
          for (int i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr)& ph = info->dlpi_phdr[i];
            uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
            if (ph.p_type == PT_LOAD && s->address >= begin && s->address < begin + ph.p_memsz) contains = true;
          }
          if (!contains) return 0;
          for (int i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr)& ph = info->dlpi_phdr[i];
            if (ph.p_type != PT_NOTE) continue;
            auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
            const uint8_t* end = p + ph.p_memsz;
            while (p + sizeof(ElfW(Nhdr)) <= end) {
              auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
              const uint8_t* name = p + sizeof(ElfW(Nhdr));
              const uint8_t* desc = name + ((note->n_namesz + 3) & ~3u);
              if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
                  desc + note->n_descsz <= end)
                s->id = to_hex({desc, note->n_descsz});
              p = desc + ((note->n_descsz + 3) & ~3u);
            }
          }
          return 1;
        },
        &search);
    return search.id;
  }();
  return id;
}

std::string errno_text(int err) { return std::strerror(err); }

Status make_dirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return Error(ErrorKind::Io, "cannot create cache directory " + prefix + ": " + errno_text(errno));
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error(ErrorKind::Io, "cache directory " + dir + " is not a directory");
  return {};
}

bool read_whole(int fd, std::vector<uint8_t>& out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool write_whole(int fd, const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

template <typename T>
void append(std::vector<uint8_t>& out, const T* data, size_t count) {
  auto* p = reinterpret_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + count * sizeof(T));
}

}  // namespace

Result<std::unique_ptr<CodeCache>> CodeCache::open(std::string dir, uint64_t max_bytes) {
  if (dir.empty()) return Error(ErrorKind::Usage, "empty cache directory");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  TERN_TRY_STATUS(make_dirs(dir));
  return std::unique_ptr<CodeCache>(new CodeCache(std::move(dir), max_bytes));
}

void CodeCache::set_warning_handler(WarningHandler handler) {
  std::lock_guard lock(mu_);
  warn_ = std::move(handler);
}

void CodeCache::warn(std::string_view message) {
  std::lock_guard lock(mu_);
  if (warn_) return warn_(message);
  std::cerr << "tern: warning: code cache: " << message << "\n";
}

uint64_t CodeCache::host_cpu_features() {
  const auto& x = asmjit::CpuInfo::host().features().x86();
  // The first three are what the compiler checks (jit/compiler/simd.h); the rest make room
  // for code that may use them, at the price of a miss on a CPU that differs only there.
  bool bits[] = {jit::simd::has_simd_baseline(), x.hasSSSE3(), jit::simd::has_sse42(), x.hasPOPCNT(), x.hasLZCNT(),
                 x.hasBMI(), x.hasBMI2(), x.hasAVX(), x.hasAVX2(), x.hasAVX512_F()};
  uint64_t v = 0;
  for (size_t i = 0; i < std::size(bits); ++i) v |= uint64_t{bits[i]} << i;
  return v;
}

Digest256 CodeCache::key_for(std::span<const uint8_t> module_bytes, const DecodeOptions& options) {
  Sha256 h;
  auto text = [&](std::string_view s) {
    uint64_t n = s.size();
    h.update(&n, sizeof n);
    h.update(s.data(), s.size());
  };
  text("tern code cache key 1");
  text(TERN_VERSION);
  text(build_id());
  uint64_t cpu = host_cpu_features();
  h.update(&cpu, sizeof cpu);
  for (int f = 0; f <= static_cast<int>(Feature::MultiMemory); ++f) {
    uint8_t on = options.features.has(static_cast<Feature>(f));
    h.update(&on, 1);
  }
  static_assert(sizeof(DecodeLimits) % sizeof(uint32_t) == 0, "limits are uint32_t fields, no padding");
  h.update(&options.limits, sizeof options.limits);
  uint64_t n = module_bytes.size();
  h.update(&n, sizeof n);
  h.update(module_bytes);
  return h.finish();
}

std::string CodeCache::path_for(const Digest256& key) const { return dir_ + "/" + to_hex(key) + kSuffix; }

CodeCacheStats CodeCache::stats() const {
  return {hits_.load(), misses_.load(), rejected_.load(), stores_.load(), evicted_.load()};
}

std::shared_ptr<CodeObject> CodeCache::load(const Digest256& key, std::shared_ptr<const ModuleInfo> info) {
  const std::string path = path_for(key);
  auto miss = [&]() -> std::shared_ptr<CodeObject> {
    misses_.fetch_add(1);
    return nullptr;
  };
  auto reject = [&](std::string_view why) -> std::shared_ptr<CodeObject> {
    rejected_.fetch_add(1);
    warn(path + ": " + std::string(why) + "; compiling again");
    return miss();
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) warn(path + ": cannot open: " + errno_text(errno));
    return miss();
  }
  struct stat st;
  std::vector<uint8_t> file;
  bool read_ok = ::fstat(fd, &st) == 0 && st.st_size >= 0 && uint64_t(st.st_size) < (uint64_t{1} << 33);
  if (read_ok) {
    file.resize(static_cast<size_t>(st.st_size));
    read_ok = read_whole(fd, file);
  }
  ::close(fd);
  if (!read_ok) return reject("cannot read the file");

  // Invariant 3: size, header and checksum before anything else.
  FileHeader h;
  if (file.size() < sizeof h + 32) return reject("truncated file (" + std::to_string(file.size()) + " bytes)");
  std::memcpy(&h, file.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return reject("not a tern code cache file");
  if (h.format_version != kFormatVersion)
    return reject("cache format version " + std::to_string(h.format_version) + ", this tern reads version " +
                  std::to_string(kFormatVersion));
  uint64_t expected_size = sizeof h + uint64_t{8} * h.num_functions + h.code_bytes + 32;
  if (h.header_bytes != sizeof h || file.size() != expected_size)
    return reject("truncated or damaged file: the header describes " + std::to_string(expected_size) +
                  " bytes, the file has " + std::to_string(file.size()));
  Digest256 checksum = Sha256::of({file.data(), file.size() - 32});
  if (std::memcmp(checksum.data(), file.data() + file.size() - 32, 32) != 0) return reject("checksum mismatch (corrupt file)");
  std::string version(h.tern_version, strnlen(h.tern_version, sizeof h.tern_version));
  if (version != TERN_VERSION) return reject("written by tern " + version + ", this is tern " TERN_VERSION);
  if (h.cpu_features != host_cpu_features()) return reject("compiled for a CPU with other features");
  if (std::memcmp(h.key, key.data(), key.size()) != 0) return reject("key mismatch (written for another module or build)");
  if (h.num_relocations != 0) return reject("relocations are not supported");
  if (info && (h.num_functions != info->functions.size() || h.num_imported != info->num_imported_functions))
    return reject("function counts do not match the module");

  const uint8_t* p = file.data() + sizeof h;
  std::vector<uint32_t> offsets(h.num_functions), ends(h.num_functions);
  std::memcpy(offsets.data(), p, 4 * offsets.size());
  std::memcpy(ends.data(), p + 4 * offsets.size(), 4 * ends.size());
  std::span<const uint8_t> image(p + 8 * offsets.size(), h.code_bytes);
  auto code = CodeObject::from_image(h.num_imported, image, std::move(offsets), std::move(ends), std::move(info));
  if (!code) return reject(code.error().message());
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // invariant 5: most recently used
  hits_.fetch_add(1);
  return std::move(*code);
}

void CodeCache::store(const Digest256& key, const CodeObject& code) {
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format_version = kFormatVersion;
  h.header_bytes = sizeof h;
  std::memcpy(h.key, key.data(), key.size());
  std::strncpy(h.tern_version, TERN_VERSION, sizeof h.tern_version);
  h.cpu_features = host_cpu_features();
  h.num_functions = static_cast<uint32_t>(code.offsets().size());
  h.num_imported = code.num_imported();
  h.code_bytes = static_cast<uint32_t>(code.size());
  std::vector<uint8_t> file;
  file.reserve(sizeof h + 8 * h.num_functions + code.size() + 32);
  append(file, &h, 1);
  append(file, code.offsets().data(), code.offsets().size());
  append(file, code.ends().data(), code.ends().size());
  append(file, code.begin(), code.size());
  Digest256 checksum = Sha256::of(file);
  append(file, checksum.data(), checksum.size());

  static std::atomic<uint64_t> counter{0};
  const std::string path = path_for(key);
  const std::string temp = dir_ + "/." + to_hex(key) + "." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1)) + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return warn(temp + ": cannot create: " + errno_text(errno));
  bool ok = write_whole(fd, file);
  int err = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(temp.c_str());
    return warn(path + ": cannot write: " + errno_text(err));
  }
  stores_.fetch_add(1);
  evict(path);
}

void CodeCache::evict(const std::string& keep) {
  std::lock_guard lock(mu_);
  struct Entry {
    std::string path;
    uint64_t bytes;
    timespec mtime;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return;
  const time_t now = ::time(nullptr);
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    bool entry = name.ends_with(kSuffix), temp = name.starts_with(".") && name.ends_with(".tmp");
    if (!entry && !temp) continue;
    std::string path = dir_ + "/" + std::string(name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    // A temporary file an hour old belongs to a writer that died.
    if (temp) {
      if (now - st.st_mtime > 3600) ::unlink(path.c_str());
      continue;
    }
    total += static_cast<uint64_t>(st.st_size);
    entries.push_back({std::move(path), static_cast<uint64_t>(st.st_size), st.st_mtim});
  }
  ::closedir(d);
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.mtime.tv_sec != b.mtime.tv_sec ? a.mtime.tv_sec < b.mtime.tv_sec : a.mtime.tv_nsec < b.mtime.tv_nsec;
  });
  for (const Entry& e : entries) {
    if (total <= max_bytes_) break;
    if (e.path == keep) continue;
    if (::unlink(e.path.c_str()) == 0) evicted_.fetch_add(1);
    total -= e.bytes;
  }
}

}  // namespace tern
