// The one path resolver every WASI path goes through (wasi.h, invariant 3).
//
// DESIGN
// 1. The walk keeps a stack of directory descriptors below the starting one, each opened with
//    openat(O_PATH | O_NOFOLLOW) from the one before: the kernel never follows a symlink or a
//    `..` for us, so nothing the walk reaches can lie outside the starting directory.
// 2. `..` pops the stack; popping past the start is an escape (ENOTCAPABLE). This treats every
//    directory descriptor as its own root, as capability-based WASI runtimes do.
// 3. A symlink is read (readlinkat on the O_PATH descriptor of the link itself) and its target's
//    components replace it in the walk; an absolute target is an escape (ENOTCAPABLE); more
//    than kMaxSymlinks expansions is ELOOP.
// 4. The last component is not opened unless it must be followed; the caller operates on it
//    with *at() and NOFOLLOW from the returned parent.
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "host/wasi/wasi_internal.h"

namespace tern::wasi {
namespace {

constexpr int kMaxSymlinks = 32;

void push_components(std::deque<std::string>& todo, std::string_view path) {
  std::deque<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  todo.insert(todo.begin(), parts.begin(), parts.end());
}

}  // namespace

uint16_t resolve(int dir_fd, std::string_view path, bool follow_final, ResolvedPath& out) {
  if (path.empty()) return err::kNoent;
  if (path.find('\0') != std::string_view::npos) return err::kInval;
  if (path.front() == '/') return err::kNotcapable;
  if (path.size() >= PATH_MAX) return err::kNametoolong;

  std::vector<UniqueFd> stack;  // directories below dir_fd; the top is the current one
  auto current = [&] { return stack.empty() ? dir_fd : stack.back().get(); };
  std::deque<std::string> todo;
  push_components(todo, path);
  bool trailing_slash = path.back() == '/';
  int symlinks = 0;
  std::string name = ".";

  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    const bool last = todo.empty();
    if (comp == ".") {
      if (last) name = ".";
      continue;
    }
    if (comp == "..") {
      if (stack.empty()) return err::kNotcapable;
      stack.pop_back();
      if (last) name = ".";
      continue;
    }
    if (last && !follow_final && !trailing_slash) {
      name = std::move(comp);
      break;
    }
    UniqueFd fd(::openat(current(), comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
      if (last && errno == ENOENT) {  // a name to create
        name = std::move(comp);
        break;
      }
      return host_error();
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return host_error();
    if (S_ISLNK(st.st_mode)) {
      if (++symlinks > kMaxSymlinks) return err::kLoop;
      char target[PATH_MAX];
      ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target);
      if (n < 0) return host_error();
      if (n == 0) return err::kNoent;
      if (static_cast<size_t>(n) >= sizeof target) return err::kNametoolong;
      std::string_view t(target, static_cast<size_t>(n));
      if (t.front() == '/') return err::kNotcapable;
      if (last && t.back() == '/') trailing_slash = true;
      push_components(todo, t);
      if (todo.empty()) name = ".";  // defensive: a target of only slashes is absolute anyway
      continue;
    }
    if (last) {
      if (trailing_slash && !S_ISDIR(st.st_mode)) return err::kNotdir;
      name = std::move(comp);
      break;
    }
    if (!S_ISDIR(st.st_mode)) return err::kNotdir;
    stack.push_back(std::move(fd));
  }
  out.start = dir_fd;
  out.owned = stack.empty() ? UniqueFd() : std::move(stack.back());
  out.name = std::move(name);
  return err::kSuccess;
}

}  // namespace tern::wasi
