// DOCTEST_CONFIG_NO_POSIX_SIGNALS comes from meson.build: doctest's own signal handlers would
// displace tern's trap handler.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
