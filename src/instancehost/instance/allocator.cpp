// The instance process allocates with jemalloc (linked in place of glibc's
// malloc, src/instancehost/CMakeLists.txt): the full-text indexer's Xapian
// writer, the MIME parsers and the preparing threads allocate and free
// millions of small blocks from several threads, where glibc's arenas spent
// about a fifth of the time and scattered Xapian's in-memory posting maps.
// Measured with ./spe bench ingest (docs/performance.md): archiving with
// indexing went from about 780 to about 1,380 messages per second.
//
// jemalloc reads its options from this symbol when it starts (MALLOC_CONF in
// the environment still overrides it for an experiment). Tuned for many idle
// instances per host: two arenas (the machine kind has two cores; more only
// hold memory), freed pages handed back to the system after a second rather
// than ten, and no "muzzy" stage that keeps them counted.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's documented hook
const char* malloc_conf = "narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
