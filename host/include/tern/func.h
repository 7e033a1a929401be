// tern::Func (any wasm or host function, called with Vals), tern::TypedFunc<R(Args...)> (its
// signature checked once, called with C++ values), and host functions from C++ callables.
//
// DESIGN
// 1. A Func is a handle: the function, its type, and a reference that keeps its provider (an
//    instance or a host function) alive as long as the handle lives.
// 2. TypedFunc checks the C++ signature against the wasm type when it is made; a wrong
//    signature is a Usage error then, never a wrong value later.
// 3. Host callables never let an exception reach wasm frames: what they throw becomes an Error
//    that traps the calling wasm code and comes back from the outermost call.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "host/runtime/runtime.h"
#include "tern/result.h"
#include "tern/values.h"

namespace tern {

template <class Sig>
class TypedFunc;

class Func {
 public:
  Func() = default;
  // The function an Extern of kind Func names (Usage error for any other kind).
  static Result<Func> from_extern(const Extern& e);
  // A host function of the given type.
  static Func host(FuncType type, HostFunc::Callback callback);
  // A host function from a C++ callable; its wasm type comes from its signature (see
  // HostCallable below).
  template <class F>
  static Func wrap(F&& callable);

  bool valid() const { return ref_ != nullptr; }
  const FuncType& type() const { return *type_; }
  Extern as_extern() const;

  // Calls with checked arguments; a trap comes back as an Error of kind Trap (see as_trap).
  Result<std::vector<Val>> call(std::span<const Val> args) const;
  // The same, writing into `results` (its size must be the number of results).
  Status call(std::span<const Val> args, std::span<Val> results) const;

  // This function with a C++ signature, e.g. typed<int32_t(int32_t, int32_t)>().
  template <class Sig>
  Result<TypedFunc<Sig>> typed() const;

 private:
  FuncRef* ref_ = nullptr;
  const FuncType* type_ = nullptr;
  std::shared_ptr<void> owner_;
};

namespace detail {

template <class T>
struct ResultTypes {  // one value
  static std::vector<ValType> types() { return {ValTraits<T>::type}; }
};
template <>
struct ResultTypes<void> {
  static std::vector<ValType> types() { return {}; }
};
template <class... Ts>
struct ResultTypes<std::tuple<Ts...>> {
  static std::vector<ValType> types() { return {ValTraits<Ts>::type...}; }
};

template <class T>
T results_to(std::span<const Val> results) {
  if constexpr (std::is_void_v<T>) {
    return;
  } else if constexpr (requires { std::tuple_size<T>::value; }) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return T{ValTraits<std::tuple_element_t<I, T>>::from_val(results[I])...};
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  } else {
    return ValTraits<T>::from_val(results[0]);
  }
}

template <class T>
void results_from(const T& value, std::span<Val> results) {
  if constexpr (requires { std::tuple_size<T>::value; }) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((results[I] = ValTraits<std::tuple_element_t<I, T>>::to_val(std::get<I>(value))), ...);
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  } else {
    results[0] = ValTraits<T>::to_val(value);
  }
}

std::string signature_mismatch(const FuncType& wasm, const FuncType& cpp);

// Result<T> -> T; any other T -> T.
template <class T>
struct Unwrapped {
  using type = T;
  static constexpr bool kIsResult = false;
};
template <class T>
struct Unwrapped<Result<T>> {
  using type = T;
  static constexpr bool kIsResult = true;
};

// The signature of a callable: a function pointer, a lambda or any object with one operator().
template <class F>
struct CallableSig : CallableSig<decltype(&F::operator())> {};
template <class R, class... A>
struct CallableSig<R (*)(A...)> {
  using Return = R;
  using Args = std::tuple<A...>;
};
template <class R, class... A>
struct CallableSig<R(A...)> : CallableSig<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableSig<R (C::*)(A...)> : CallableSig<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableSig<R (C::*)(A...) const> : CallableSig<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableSig<R (C::*)(A...) noexcept> : CallableSig<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableSig<R (C::*)(A...) const noexcept> : CallableSig<R (*)(A...)> {};

template <class Tuple>
struct TakesCaller : std::false_type {};
template <class First, class... Rest>
struct TakesCaller<std::tuple<First, Rest...>> : std::is_same<First, Caller&> {};

template <class Tuple>
struct DropFirst;
template <class First, class... Rest>
struct DropFirst<std::tuple<First, Rest...>> {
  using Type = std::tuple<Rest...>;
};

}  // namespace detail

// What a host callable may look like:
//   [](int32_t a, int32_t b) { return a + b; }             // (i32, i32) -> (i32)
//   [](tern::Caller& caller, uint32_t ptr, uint32_t len) {} // the calling instance first
//   [](double x) -> std::tuple<double, double> {...}      // several results
//   [](int32_t x) -> tern::Result<int32_t> {...}          // an Error traps the caller
//   [](int32_t code) -> tern::Status {...}
// Parameters and results are the types ValTraits knows (int32_t, uint32_t, int64_t,
// uint64_t, float, double).
template <class F>
struct HostCallable {
  using Sig = detail::CallableSig<std::remove_cvref_t<F>>;
  static constexpr bool kTakesCaller = detail::TakesCaller<typename Sig::Args>::value;
  using Params = std::conditional_t<kTakesCaller, typename detail::DropFirst<typename Sig::Args>::Type, typename Sig::Args>;
  using Return = typename Sig::Return;
  static constexpr bool kReturnsResult = detail::Unwrapped<Return>::kIsResult;
  using Values = typename detail::Unwrapped<Return>::type;

  static FuncType type() {
    constexpr bool kParamsOk = []<size_t... I>(std::index_sequence<I...>) {
      return (WasmValue<std::tuple_element_t<I, Params>> && ...);
    }(std::make_index_sequence<std::tuple_size_v<Params>>{});
    static_assert(kParamsOk, "host function parameters must be int32_t, uint32_t, int64_t, uint64_t, float or double "
                             "(after an optional first Caller&)");
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return FuncType{{ValTraits<std::remove_cvref_t<std::tuple_element_t<I, Params>>>::type...},
                      detail::ResultTypes<Values>::types()};
    }(std::make_index_sequence<std::tuple_size_v<Params>>{});
  }

  static HostFunc::Callback callback(F&& callable) {
    return [f = std::forward<F>(callable)](Caller& caller, std::span<const Val> args, std::span<Val> results) mutable -> Status {
      auto invoke = [&]<size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
        if constexpr (kTakesCaller)
          return f(caller, ValTraits<std::remove_cvref_t<std::tuple_element_t<I, Params>>>::from_val(args[I])...);
        else
          return f(ValTraits<std::remove_cvref_t<std::tuple_element_t<I, Params>>>::from_val(args[I])...);
      };
      constexpr auto indices = std::make_index_sequence<std::tuple_size_v<Params>>{};
      try {
        if constexpr (kReturnsResult) {
          Return r = invoke(indices);
          if (!r.ok()) return std::move(r).error();
          if constexpr (!std::is_void_v<Values>) detail::results_from(r.value(), results);
        } else if constexpr (std::is_void_v<Return>) {
          invoke(indices);
        } else {
          detail::results_from(invoke(indices), results);
        }
      } catch (const std::exception& e) {
        return Error(ErrorKind::Internal) << "host function threw: " << e.what();
      } catch (...) {
        return Error(ErrorKind::Internal) << "host function threw a non-std::exception";
      }
      return {};
    };
  }
};

template <class F>
Func Func::wrap(F&& callable) {
  using H = HostCallable<F>;
  return host(H::type(), H::callback(std::forward<F>(callable)));
}

// A function with a C++ signature, checked once against its wasm type.
template <class R, class... Args>
class TypedFunc<R(Args...)> {
 public:
  static FuncType wasm_type() { return FuncType{{ValTraits<Args>::type...}, detail::ResultTypes<R>::types()}; }

  Result<R> call(Args... args) const {
    const Val in[] = {ValTraits<Args>::to_val(args)..., Val{}};  // the extra Val allows zero arguments
    Val out[std::max<size_t>(1, wasm_type_size())];
    Status st = func_.call(std::span<const Val>(in, sizeof...(Args)), std::span<Val>(out, wasm_type_size()));
    if (!st.ok()) return std::move(st).error();
    if constexpr (std::is_void_v<R>)
      return {};
    else
      return detail::results_to<R>(std::span<const Val>(out, wasm_type_size()));
  }
  Result<R> operator()(Args... args) const { return call(args...); }
  const Func& func() const { return func_; }

 private:
  friend class Func;
  explicit TypedFunc(Func f) : func_(std::move(f)) {}
  static constexpr size_t wasm_type_size() {
    if constexpr (std::is_void_v<R>)
      return 0;
    else if constexpr (requires { std::tuple_size<R>::value; })
      return std::tuple_size_v<R>;
    else
      return 1;
  }
  Func func_;
};

template <class Sig>
Result<TypedFunc<Sig>> Func::typed() const {
  if (!valid()) return Error(ErrorKind::Usage, "typed(): the function handle is empty");
  FuncType want = TypedFunc<Sig>::wasm_type();
  if (!(want == *type_)) return Error(ErrorKind::Usage, detail::signature_mismatch(*type_, want));
  return TypedFunc<Sig>(*this);
}

template <class Sig>
Result<TypedFunc<Sig>> Instance::func(std::string_view name) {
  TERN_TRY(Func f, func(name));
  auto typed = f.template typed<Sig>();
  if (!typed.ok()) return std::move(typed).error().context("export \"" + std::string(name) + "\"");
  return typed;
}

}  // namespace tern
