// The unit test program: one Boost.Test suite per module, in the files
// beside this one.
#define BOOST_TEST_MODULE pd-call-forward
#include <boost/test/unit_test.hpp>
