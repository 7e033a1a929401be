// The one doctest main that every test executable links (tests/meson.build): doctest's
// implementation is a large header, and compiling it once per executable cost about 20 s of
// CPU each, which counts three times over in CI (plain, ASan and TSan builds).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
