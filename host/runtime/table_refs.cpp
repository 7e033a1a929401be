// Lifetime of functions stored in tables, and the collection of instance cycles.
//
// DESIGN
// 1. A funcref in a table is a raw FuncRef*, owned by an instance (or a host function). So
//    that call_indirect never reaches a freed function, every store of a funcref into a table
//    (element segments, table.set/fill/copy/init/grow, Table::set) first calls Table::keep,
//    which gives the table a strong reference to the owner. The owner keeps its code, its
//    VMContext and (through its imports) everything that code uses. Owners are kept until the
//    table dies, not until the slot is overwritten: cheap (no per-slot count) and safe against
//    a racing call_indirect that already loaded the old pointer.
// 2. The common stores cost a load and a compare: the table's own instance is never kept
//    (it owns the table), and the last owner kept is remembered in an atomic.
// 3. Keeping creates cycles: a side module imports the main module's table and its functions
//    (main is kept by side), and puts its own functions there (side is kept by the table that
//    main owns). Reference counts alone never free such a group. InstanceGraph finds them by
//    trial deletion: nodes are the live instances and the tables that keep something; an edge
//    is a shared_ptr one node holds to another (imports, own tables, kept owners). A node
//    whose use_count exceeds the edges into it has an outside holder (the host, a running
//    call, a thread group): a root. Whatever no root reaches is garbage; clearing the kept
//    owners of its tables breaks every cycle (all other edges point to older objects, so
//    they form no cycle) and plain reference counting frees the rest.
// 4. Counting only real shared_ptrs between nodes errs one way: a reference the graph cannot
//    see (a host closure holding an instance) makes a root, so a group may live longer, never
//    shorter. A new outside reference can only be made from an existing one, so a group
//    without any stays garbage while the collector looks at it.
// 5. One mutex guards the registry and every table's kept owners. shared_ptrs are released
//    only after it is unlocked: a release may run destructors that take it again.
// 6. Collection runs on demand (collect_instance_cycles) and, amortized, on instantiation and
//    instance release (those change the graph): once the changes since the last pass reach
//    half the graph's size then, so its cost per change stays constant. A host that drops the
//    last handle of a cycle gets the memory back after enough later instantiations/releases,
//    or at once with collect_instance_cycles().
// 7. Known cost of invariant 1: a long-lived table keeps every owner that ever stored into
//    it. Releasing owners of overwritten slots would need to know that no call_indirect still
//    holds the old pointer (epochs); not done.
// 8. Funcref globals follow the same rule through a hidden keeper Table (funcref, size 0):
//    every store (global.set through a helper, the host setters, host global initializers)
//    calls keeper->keep first. An instance that defines funcref globals has one keeper in its
//    own_tables_ (owner = that instance), so a global that keeps its importer forms a cycle
//    the graph sees and frees. A host global lives inside its keeper (make_host_global) and
//    is held through it (Extern::owner is the keeper), so an importer's hold is an edge and
//    the host's a root, as for a host table.
//    Defined globals' initializers need no keeping: ref.func and global.get there reach only
//    the instance's own functions and its imports, which it keeps already.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "host/runtime/runtime.h"

namespace tern {

class InstanceGraph {
 public:
  static InstanceGraph& get() {
    static InstanceGraph* g = new InstanceGraph();  // leaked: instances may die during static destruction
    return *g;
  }

  void add_instance(Instance* inst) {
    std::lock_guard lock(mu_);
    instances_.insert(inst);
  }
  void remove_instance(Instance* inst) {
    std::lock_guard lock(mu_);
    instances_.erase(inst);
  }
  void remove_table(Table* t) {
    std::lock_guard lock(mu_);
    tables_.erase(t);
  }

  void keep(Table& t, std::span<void* const> values);
  size_t kept_count(const Table& t) {
    std::lock_guard lock(mu_);
    return t.kept_.size();
  }
  size_t collect();
  void collect_if_due() {
    if (changes_.fetch_add(1, std::memory_order_relaxed) + 1 < due_.load(std::memory_order_relaxed)) return;
    collect();
  }

 private:
  std::atomic<size_t> changes_{0};
  std::atomic<size_t> due_{16};  // changes that start the next automatic pass
  std::mutex mu_;
  std::unordered_set<Instance*> instances_;  // instantiated and not yet destroyed
  std::unordered_set<Table*> tables_;        // tables with kept owners
};

namespace {

// The owner to keep for a funcref, and the key that identifies it.
const void* owner_key(const FuncRef* f) {
  if (f->instance != nullptr) return f->instance;
  return f->code == host_call_stub() ? f->vmctx : nullptr;
}

std::shared_ptr<void> lock_owner(const FuncRef* f) {
  if (f->instance != nullptr) return f->instance->weak_from_this().lock();
  if (f->code == host_call_stub()) return static_cast<HostFunc*>(f->vmctx)->self.lock();
  return nullptr;
}

thread_local bool t_collecting = false;

}  // namespace

void InstanceGraph::keep(Table& t, std::span<void* const> values) {
  if (t.type.elem != ValType::FuncRef) return;  // externref values are the host's to manage
  const void* own = t.owner;
  auto needs_keeping = [&](void* v) {
    if (v == nullptr) return false;
    const void* key = owner_key(static_cast<const FuncRef*>(v));
    return key != nullptr && key != own && key != t.last_kept_.load(std::memory_order_acquire);
  };
  auto first = std::find_if(values.begin(), values.end(), needs_keeping);
  if (first == values.end()) return;  // invariant 2: the common case takes no lock
  changes_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  for (auto it = first; it != values.end(); ++it) {
    if (!needs_keeping(*it)) continue;
    auto* f = static_cast<const FuncRef*>(*it);
    const void* key = owner_key(f);
    if (!t.kept_.contains(key)) {
      std::shared_ptr<void> owner = lock_owner(f);
      if (!owner) continue;  // not shared-owned: nothing can be kept
      t.kept_.emplace(key, std::move(owner));
      tables_.insert(&t);
    }
    t.last_kept_.store(key, std::memory_order_release);
  }
}

size_t InstanceGraph::collect() {
  if (t_collecting) return 0;  // a release below destroyed an instance: the outer pass goes on
  t_collecting = true;
  std::vector<std::unordered_map<const void*, std::shared_ptr<void>>> released;
  {
    std::lock_guard lock(mu_);
    changes_.store(0, std::memory_order_relaxed);
    due_.store(std::max<size_t>(16, (instances_.size() + tables_.size()) / 2), std::memory_order_relaxed);
    if (tables_.empty()) {
      t_collecting = false;
      return 0;
    }
    // Nodes: instances and keeping tables, by address. Edges: shared_ptrs between nodes.
    std::unordered_map<const void*, long> inbound;
    std::unordered_map<const void*, std::vector<const void*>> edges;
    for (Instance* i : instances_) inbound.emplace(i, 0);
    for (Table* t : tables_) inbound.emplace(t, 0);
    auto edge = [&](const void* from, const void* to) {
      auto it = inbound.find(to);
      if (it == inbound.end()) return;
      ++it->second;
      edges[from].push_back(to);
    };
    for (Instance* i : instances_) {
      for (const auto& owner : i->import_owners_) edge(i, owner.get());
      for (const auto& t : i->own_tables_) edge(i, t.get());
    }
    for (Table* t : tables_)
      for (const auto& k : t->kept_) edge(t, k.second.get());
    // Roots: nodes with a holder outside the graph; a dying node (count 0) counts as one.
    std::vector<const void*> work;
    std::unordered_set<const void*> live;
    auto root_if = [&](const void* node, long count) {
      if (count == 0 || count > inbound[node]) {
        live.insert(node);
        work.push_back(node);
      }
    };
    for (Instance* i : instances_) root_if(i, i->weak_from_this().use_count());
    for (Table* t : tables_) root_if(t, t->weak_from_this().use_count());
    while (!work.empty()) {
      const void* n = work.back();
      work.pop_back();
      auto it = edges.find(n);
      if (it == edges.end()) continue;
      for (const void* to : it->second)
        if (live.insert(to).second) work.push_back(to);
    }
    for (auto it = tables_.begin(); it != tables_.end();) {
      Table* t = *it;
      if (live.contains(t)) {
        ++it;
        continue;
      }
      released.push_back(std::move(t->kept_));
      t->kept_.clear();
      t->last_kept_.store(nullptr, std::memory_order_release);
      it = tables_.erase(it);
    }
  }
  size_t n = released.size();
  released.clear();  // invariant 5: destructors run unlocked
  t_collecting = false;
  return n;
}

size_t collect_instance_cycles() { return InstanceGraph::get().collect(); }

// ---- Table ------------------------------------------------------------------------------

Table::~Table() {
  InstanceGraph::get().remove_table(this);
  // kept_ is released after this body, outside the graph's mutex.
}

void Table::keep(std::span<void* const> values) { InstanceGraph::get().keep(*this, values); }

size_t Table::kept_count() const { return InstanceGraph::get().kept_count(*this); }

Status Table::set(uint32_t index, void* value) {
  if (index >= size()) return Error(ErrorKind::Usage, "table index " + std::to_string(index) + " out of bounds");
  keep({&value, 1});
  elements[index] = value;
  return {};
}

// ---- funcref globals (invariant 8) ----------------------------------------------------------

namespace {
// A keeper is an empty funcref table: it holds no elements, only kept owners.
const TableType kKeeperType{ValType::FuncRef, Limits{0, 0, false}};
}  // namespace

Result<std::shared_ptr<Table>> make_global_keeper(const Instance* owner) {
  TERN_TRY(auto keeper, Table::make(kKeeperType));
  keeper->owner = owner;
  return keeper;
}

void GlobalInstance::set_funcref(void* funcref) {
  if (keeper != nullptr) keeper->keep({&funcref, 1});
  std::atomic_ref<uint64_t>(cell.lo).store(reinterpret_cast<uint64_t>(funcref), std::memory_order_release);
}

namespace {
struct HostGlobalKeeper : Table {
  explicit HostGlobalKeeper(TableStorage storage) : Table(kKeeperType, std::move(storage)) {}
  GlobalInstance global;
};
}  // namespace

Result<HostGlobal> make_host_global(const GlobalType& type, uint64_t lo, uint64_t hi) {
  HostGlobal made;
  if (type.type != ValType::FuncRef) {
    auto g = std::make_shared<GlobalInstance>();
    g->type = type;
    g->cell.lo = lo;
    g->cell.hi = hi;
    made.global = g.get();
    made.owner = std::move(g);
    return made;
  }
  TERN_TRY(TableStorage storage, TableStorage::create(0, 0, nullptr));
  auto keeper = std::make_shared<HostGlobalKeeper>(std::move(storage));
  keeper->global.type = type;
  keeper->global.keeper = keeper.get();
  keeper->global.set_funcref(reinterpret_cast<void*>(lo));
  made.global = &keeper->global;
  made.owner = std::shared_ptr<Table>(std::move(keeper));  // the graph knows the node by its Table address
  return made;
}

// ---- instance registration (called by instance.cpp) --------------------------------------

void register_instance(Instance* inst) { InstanceGraph::get().add_instance(inst); }

void unregister_instance(Instance* inst) { InstanceGraph::get().remove_instance(inst); }

void collect_instance_cycles_if_due() { InstanceGraph::get().collect_if_due(); }

}  // namespace tern
