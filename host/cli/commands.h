// Every subcommand of `tern`, one per file. To add one: write cmd_<name>.cpp defining its
// Command, declare it here, list it in kCommands (main.cpp) and in host/cli/meson.build.
#pragma once

#include "host/cli/cli.h"

namespace tern::cli {

extern const Command kValidateCommand;  // cmd_validate.cpp
extern const Command kInspectCommand;   // cmd_inspect.cpp
extern const Command kRunCommand;       // cmd_run.cpp
extern const Command kInvokeCommand;    // cmd_invoke.cpp
extern const Command kServeCommand;     // cmd_serve.cpp

}  // namespace tern::cli
