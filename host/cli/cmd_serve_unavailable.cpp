// `tern serve` in a build configured with -Dnet=false (no net/, no Boost.Beast): the command
// stays in the table so that `tern --help` and scripts see the same commands, and says why it
// cannot run.
#include <iostream>

#include "host/cli/cli.h"
#include "host/cli/commands.h"

namespace tern::cli {
namespace {

int run_serve_unavailable(const Command&, std::span<const std::string_view>) {
  std::cerr << "tern serve: this tern was built without the HTTP server (meson option -Dnet=false)\n";
  return kExitFailure;
}

}  // namespace

extern const Command kServeCommand = {
    .name = "serve",
    .summary = "Serve HTTP/1.1 and WebSocket traffic (not in this build: -Dnet=false).",
    .usage = "tern serve [options] FILE.wasm",
    .details = "This tern was configured with -Dnet=false, which leaves the server out.\n",
    .run = run_serve_unavailable,
};

}  // namespace tern::cli
