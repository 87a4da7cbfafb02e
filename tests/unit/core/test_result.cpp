#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/result.hpp"

using namespace pdcf;

namespace {

Result<int> half(int n)
{
    if (n % 2 != 0) return fail(std::to_string(n) + " is odd");
    return n / 2;
}

Result<void> even(int n)
{
    if (n % 2 != 0) return fail("odd");
    return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(result)

BOOST_AUTO_TEST_CASE(a_value_or_its_reason_never_both)
{
    auto ok = half(4);
    BOOST_TEST(bool(ok));
    BOOST_TEST(*ok == 2);
    BOOST_TEST(ok.error().empty());
    auto no = half(3);
    BOOST_TEST(!no);
    BOOST_TEST(no.error() == "3 is odd");
    BOOST_TEST(no.value_or(-1) == -1);
    BOOST_TEST(ok.value_or(-1) == 2);
}

BOOST_AUTO_TEST_CASE(a_result_of_nothing_says_only_whether_and_why)
{
    BOOST_TEST(bool(even(2)));
    BOOST_TEST(even(2).error().empty());
    BOOST_TEST(!even(1));
    BOOST_TEST(even(1).error() == "odd");
}

BOOST_AUTO_TEST_CASE(a_string_result_tells_a_value_from_a_failure)
{
    // Both are strings: the failure comes only through fail().
    Result<std::string> value = std::string("larger than 10 bytes");
    Result<std::string> failure = fail("larger than 10 bytes");
    BOOST_TEST(bool(value));
    BOOST_TEST(*value == "larger than 10 bytes");
    BOOST_TEST(!failure);
    BOOST_TEST(failure.error() == "larger than 10 bytes");
}

BOOST_AUTO_TEST_CASE(a_value_moves_out)
{
    Result<std::vector<std::string>> list = std::vector<std::string>{"a", "b"};
    std::vector<std::string> taken = *std::move(list);
    BOOST_TEST(taken.size() == 2u);
    list->push_back("c");  // what is left is still a vector
    BOOST_TEST(bool(list));
}

BOOST_AUTO_TEST_CASE(value_or_of_a_passing_result_moves_its_value)
{
    // A file just read is handed on, not copied: the buffer is the same.
    Result<std::string> read = std::string(1000, 'x');
    const char *buffer = read->data();
    std::string taken = std::move(read).value_or("");
    BOOST_TEST(static_cast<const void *>(taken.data()) == static_cast<const void *>(buffer));
    BOOST_TEST(Result<std::string>(fail("gone")).value_or("none") == "none");
}

BOOST_AUTO_TEST_SUITE_END()
