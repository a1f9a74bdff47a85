// Tributary's stand-in for ankerl::unordered_dense, which Debian does not package and whose
// wrap is a download. The worker uses only its map, set and hash, with calls the standard
// containers answer the same way (C++20: find, emplace, try_emplace, erase, contains,
// iteration), so these aliases compile it unchanged. Lookups are somewhat slower than with
// the dense tables; behaviour is the same.
#pragma once

#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense {

template <class T>
struct hash : std::hash<T> {};

template <class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
using map = std::unordered_map<Key, T, Hash, KeyEqual>;

template <class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
using set = std::unordered_set<Key, Hash, KeyEqual>;

} // namespace ankerl::unordered_dense
