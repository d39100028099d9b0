// SIGINT and SIGTERM held back from the start of a daemon's main until its
// io_context handles them.
//
// Firebird's client library installs its own handlers for both signals when
// it first attaches a database, and they only run its shutdown callbacks:
// a stop request that arrives between opening a database and the daemon's
// asio::signal_set is swallowed, and the process runs on (an instance
// stopped just after it said READY never stopped). So a daemon that opens
// Firebird calls blockTerminationSignals() first thing in main, before any
// thread starts (threads inherit the mask), and unblockTerminationSignals()
// right after its signal_set exists: a signal that came meanwhile is then
// delivered to that set.
// Thread safety: call from the main thread only, as described.
#pragma once

namespace spe {

void blockTerminationSignals();
void unblockTerminationSignals();

}  // namespace spe
