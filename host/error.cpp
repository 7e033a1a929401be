#include "tern/result.h"

namespace tern {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Link: return "link error";
    case ErrorKind::Instantiate: return "instantiation error";
    case ErrorKind::Trap: return "trap";
    case ErrorKind::Limit: return "limit exceeded";
    case ErrorKind::Io: return "i/o error";
    case ErrorKind::Usage: return "usage error";
    case ErrorKind::Exit: return "exit";
    case ErrorKind::Internal: return "internal error";
  }
  return "error";
}

}  // namespace tern
