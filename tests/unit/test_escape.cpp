#include <boost/test/unit_test.hpp>

#include "escape.hpp"
#include "xml.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(escape)

BOOST_AUTO_TEST_CASE(xml_text_escapes_all_five)
{
    BOOST_TEST(xml_text("O'Brien & <Co> \"x\"") == "O&apos;Brien &amp; &lt;Co&gt; &quot;x&quot;");
    BOOST_TEST(xml_text("line\nbreak\ttab") == "line\nbreak\ttab");
}

BOOST_AUTO_TEST_CASE(xml_attr_keeps_whitespace_as_references)
{
    BOOST_TEST(xml_attr("a\"b'c<d>&\n\t\r") == "a&quot;b&apos;c&lt;d&gt;&amp;&#10;&#9;&#13;");
}

BOOST_AUTO_TEST_CASE(controls_dropped_and_bad_utf8_replaced)
{
    BOOST_TEST(xml_text(std::string("a\0b\x01\x1f" "c", 6)) == "abc");
    BOOST_TEST(xml_text("\xC3\xA9") == "\xC3\xA9");              // é stays
    BOOST_TEST(xml_text("\xF0\x9F\x93\x9E") == "\xF0\x9F\x93\x9E");  // 📞 stays
    BOOST_TEST(xml_text("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    BOOST_TEST(xml_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    BOOST_TEST(xml_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    BOOST_TEST(xml_text("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
    BOOST_TEST(xml_text("\xEF\xBF\xBF") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFF
}

BOOST_AUTO_TEST_CASE(every_byte_value_gives_well_formed_xml)
{
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    XmlDoc text("<a>" + xml_text(all) + "</a>");
    BOOST_TEST(text.ok(), text.error());
    XmlDoc attr("<a b=\"" + xml_attr(all) + "\"/>");
    BOOST_TEST(attr.ok(), attr.error());
    BOOST_TEST(attr.eval("string(/a/@b)").find("\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(url_component_keeps_only_unreserved)
{
    BOOST_TEST(url_component("PABC123") == "PABC123");
    BOOST_TEST(url_component("a b/c?d&e=f[]~._-") == "a%20b%2Fc%3Fd%26e%3Df%5B%5D~._-");
    BOOST_TEST(url_component("\xC3\xA9") == "%C3%A9");
}

BOOST_AUTO_TEST_SUITE_END()
