#include <boost/test/unit_test.hpp>

#include "core/escape.hpp"
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

BOOST_AUTO_TEST_CASE(display_text_keeps_names_and_defuses_the_terminal)
{
    BOOST_TEST(display_text("Zoë O'Brien 李") == "Zoë O'Brien 李");
    // A newline would start a forged log entry, ESC a terminal sequence.
    BOOST_TEST(display_text("a\nb\r\x1b[2Jc\t\x7f") == "a\\x0ab\\x0d\\x1b[2Jc\\x09\\x7f");
    BOOST_TEST(display_text("back\\slash") == "back\\\\slash");  // so an escape cannot be forged either
    // C1 controls (U+009B is CSI), bidirectional overrides, line separators.
    BOOST_TEST(display_text("\xc2\x9b" "2J") == "\\u{009b}2J");
    BOOST_TEST(display_text("abc\xe2\x80\xae" "evil") == "abc\\u{202e}evil");
    BOOST_TEST(display_text("x\xe2\x80\xa8y") == "x\\u{2028}y");
    // Invalid UTF-8 byte by byte.
    BOOST_TEST(display_text("\xff\xc3") == "\\xff\\xc3");
    // Nothing below 0x20 or 0x7f..0x9f survives, whatever the input.
    std::string all;
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
    std::string out = display_text(all);
    for (unsigned char c : out) BOOST_TEST((c >= 0x20 && c != 0x7f), static_cast<int>(c));
}

BOOST_AUTO_TEST_CASE(url_component_keeps_only_unreserved)
{
    BOOST_TEST(url_component("PABC123") == "PABC123");
    BOOST_TEST(url_component("a b/c?d&e=f[]~._-") == "a%20b%2Fc%3Fd%26e%3Df%5B%5D~._-");
    BOOST_TEST(url_component("\xC3\xA9") == "%C3%A9");
}

BOOST_AUTO_TEST_SUITE_END()
