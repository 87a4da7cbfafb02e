#include <boost/test/unit_test.hpp>

#include "commands/table.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(table)

BOOST_AUTO_TEST_CASE(columns_line_up_by_characters_and_cells_cannot_break_a_line)
{
    const std::string t = format_table({{"A", "B"}, {"Zoë", "x"}, {"a\nb", "\x1b[2K"}});
    BOOST_TEST(t ==
               "A       B\n"
               "Zoë     x\n"
               "a\\x0ab  \\x1b[2K\n",
               t);
}

BOOST_AUTO_TEST_SUITE_END()
