#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/outcome.hpp"

using namespace pdcf;

namespace {

// The words the man page's DIAGNOSTICS gives for outcome=, in order: the
// ".Cm WORD" lines after ".It Cm outcome", up to the next key.
std::vector<std::string> documented_outcomes()
{
    std::ifstream in("man/pd-call-forward.8");
    BOOST_TEST_REQUIRE(static_cast<bool>(in), "man/pd-call-forward.8 not found (run from the source tree)");
    std::vector<std::string> words;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(".It Cm ", 0) == 0) {
            if (inside) break;
            inside = line == ".It Cm outcome";
            continue;
        }
        if (!inside || line.rfind(".Cm ", 0) != 0) continue;
        std::istringstream fields(line.substr(4));
        std::string word;
        fields >> word;
        words.push_back(word);
    }
    return words;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outcome)

BOOST_AUTO_TEST_CASE(the_man_page_lists_every_outcome_in_order)
{
    std::vector<std::string> ours;
    for (Outcome o : logged_outcomes) ours.push_back(to_string(o));
    BOOST_TEST(documented_outcomes() == ours, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(each_outcome_has_a_word_of_its_own)
{
    std::set<std::string> seen;
    for (Outcome o : logged_outcomes) {
        std::string word = to_string(o);
        BOOST_TEST(!word.empty());
        BOOST_TEST(seen.insert(word).second, word);
    }
    BOOST_TEST(std::string(to_string(Outcome::none)).empty());
}

BOOST_AUTO_TEST_SUITE_END()
