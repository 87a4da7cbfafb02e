// pd-call-forward --calls: the call history of the journal in spool_dir,
// newest first, as a table for the operator or as JSON for a script.
#pragma once

#include <cstdio>

#include "core/journal.hpp"

namespace pdcf {

// The calls with a request within `since` seconds before `now` (seconds
// since the epoch).  Times in the table are the machine's local time (TZ),
// in JSON RFC 3339 UTC.  Returns 0; there being no calls is no error.
int calls_run(const Journal &journal, long long now, long long since, bool json, std::FILE *out);

}  // namespace pdcf
