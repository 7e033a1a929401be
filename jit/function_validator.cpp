// The validator: FunctionDecoder with the empty consumer.
#include "jit/function_decoder.h"

namespace tern {

Status validate_function(const ModuleInfo& module, uint32_t func, const Features& features,
                         const DecodeLimits& limits) {
  NullConsumer consumer;
  FunctionDecoder<NullConsumer> decoder(module, func, features, limits, consumer);
  return decoder.decode();
}

}  // namespace tern
