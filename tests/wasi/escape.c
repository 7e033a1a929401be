// escape: tries to leave the preopened directory (fd 3) with raw WASI calls, bypassing
// wasi-libc's own path handling, and checks each attempt fails with the expected errno.
// The test script prepares the directory (see wasi_test.sh, group "sandbox"):
//   box/inside.txt  box/sub/  box/link_up -> ..  box/link_abs -> /  box/link_file_out -> ../outside.txt
//   box/link_in -> inside.txt  box/sub/link_sibling -> ../inside.txt    and ../outside.txt
// Prints one line per attempt; exits 1 if any result differs from the expectation.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int failures = 0;
static const __wasi_fd_t kBox = 3;
static const __wasi_rights_t kRead = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK;

static void expect(const char* what, __wasi_errno_t got, __wasi_errno_t want) {
  int ok = got == want;
  printf("%s %s: errno %u (expected %u)\n", ok ? "ok" : "FAIL", what, got, want);
  if (!ok) failures++;
}

static __wasi_errno_t open_at(const char* path, __wasi_lookupflags_t follow, __wasi_oflags_t oflags,
                              __wasi_rights_t rights) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(kBox, follow, path, oflags, rights, 0, 0, &fd);
  if (e == 0) {
    __wasi_errno_t closed = __wasi_fd_close(fd);
    (void)closed;
  }
  return e;
}

int main(void) {
  const __wasi_errno_t NOTCAP = __WASI_ERRNO_NOTCAPABLE;
  const __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  const __wasi_rights_t WRITE = __WASI_RIGHTS_FD_WRITE;

  // What must work.
  expect("open inside.txt", open_at("inside.txt", 0, 0, kRead), 0);
  expect("open sub/../inside.txt", open_at("sub/../inside.txt", 0, 0, kRead), 0);
  expect("open ./sub/./../inside.txt", open_at("./sub/./../inside.txt", 0, 0, kRead), 0);
  expect("open link_in (followed)", open_at("link_in", FOLLOW, 0, kRead), 0);
  expect("open sub/link_sibling (followed)", open_at("sub/link_sibling", FOLLOW, 0, kRead), 0);
  expect("open link_in without following", open_at("link_in", 0, 0, kRead), __WASI_ERRNO_LOOP);
  expect("open missing.txt", open_at("missing.txt", 0, 0, kRead), __WASI_ERRNO_NOENT);

  // `..` out of the preopen.
  expect("open ../outside.txt", open_at("../outside.txt", 0, 0, kRead), NOTCAP);
  expect("open sub/../../outside.txt", open_at("sub/../../outside.txt", 0, 0, kRead), NOTCAP);
  expect("open ..", open_at("..", 0, __WASI_OFLAGS_DIRECTORY, kRead), NOTCAP);
  expect("create ../created.txt", open_at("../created.txt", 0, __WASI_OFLAGS_CREAT, WRITE), NOTCAP);
  expect("mkdir ../newdir", __wasi_path_create_directory(kBox, "../newdir"), NOTCAP);
  expect("unlink ../outside.txt", __wasi_path_unlink_file(kBox, "../outside.txt"), NOTCAP);
  expect("rename inside.txt to ../moved.txt", __wasi_path_rename(kBox, "inside.txt", kBox, "../moved.txt"), NOTCAP);
  expect("link ../hardlink", __wasi_path_link(kBox, 0, "inside.txt", kBox, "../hardlink"), NOTCAP);
  __wasi_filestat_t st;
  expect("stat ../outside.txt", __wasi_path_filestat_get(kBox, 0, "../outside.txt", &st), NOTCAP);

  // Absolute paths.
  expect("open /etc/passwd", open_at("/etc/passwd", 0, 0, kRead), NOTCAP);
  expect("open /", open_at("/", 0, __WASI_OFLAGS_DIRECTORY, kRead), NOTCAP);
  expect("stat /etc", __wasi_path_filestat_get(kBox, FOLLOW, "/etc", &st), NOTCAP);
  expect("symlink to /etc/passwd", __wasi_path_symlink("/etc/passwd", kBox, "evil"), NOTCAP);

  // Symlinks that lead out.
  expect("open link_up/outside.txt", open_at("link_up/outside.txt", 0, 0, kRead), NOTCAP);
  expect("open link_file_out (followed)", open_at("link_file_out", FOLLOW, 0, kRead), NOTCAP);
  expect("open link_abs/etc/passwd", open_at("link_abs/etc/passwd", 0, 0, kRead), NOTCAP);
  expect("stat link_up (followed)", __wasi_path_filestat_get(kBox, FOLLOW, "link_up", &st), NOTCAP);
  expect("create through link_up", open_at("link_up/created.txt", 0, __WASI_OFLAGS_CREAT, WRITE), NOTCAP);
  expect("mkdir through link_up", __wasi_path_create_directory(kBox, "link_up/newdir"), NOTCAP);
  expect("unlink through link_up", __wasi_path_unlink_file(kBox, "link_up/outside.txt"), NOTCAP);
  // A symlink may be created pointing up, but following it fails.
  expect("symlink pointing up", __wasi_path_symlink("../outside.txt", kBox, "made_up"), 0);
  expect("open made_up (followed)", open_at("made_up", FOLLOW, 0, kRead), NOTCAP);
  expect("unlink made_up (the link itself)", __wasi_path_unlink_file(kBox, "made_up"), 0);

  // Descriptors that do not exist or are not directories.
  __wasi_fd_t fd;
  expect("open on a bad descriptor", __wasi_path_open(99, 0, "inside.txt", 0, kRead, 0, 0, &fd), __WASI_ERRNO_BADF);
  expect("open relative to stdout", __wasi_path_open(1, 0, "inside.txt", 0, kRead, 0, 0, &fd), __WASI_ERRNO_NOTDIR);

  printf("%s\n", failures ? "some checks failed" : "all checks passed");
  return failures ? 1 : 0;
}
