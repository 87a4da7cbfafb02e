// The operator's tables (--check): columns aligned by characters, every
// cell on its way to a terminal.  Pure.
#pragma once

#include <string>
#include <vector>

namespace pdcf {

// Lines of cells as columns two spaces apart; the first line is the header.
// Cells hold names and messages from PagerDuty: each goes to the terminal
// through display_text, so none can forge a row or move the cursor.
std::string format_table(std::vector<std::vector<std::string>> cells);

}  // namespace pdcf
