#include "jit/module.h"
namespace tern {
Result<std::shared_ptr<const ModuleInfo>> decode_module(std::span<const uint8_t>, const DecodeOptions&) {
  return Error(ErrorKind::Internal, "decoder not written yet");
}
}  // namespace tern
