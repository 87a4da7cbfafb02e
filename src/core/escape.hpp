// One escaper per output context.  Everything that reaches TwiML or a URL
// we build goes through exactly one of these.
#pragma once

#include <string>
#include <string_view>

namespace pdcf {

// Text content of an XML element.  Escapes & < > " ' (Twilio's own
// helpers escape all five), replaces invalid UTF-8 with U+FFFD and drops
// characters XML 1.0 forbids (most C0 controls, XML 1.0 section 2.2), so the
// document always parses, whatever PagerDuty or a caller sent.
std::string xml_text(std::string_view s);

// An XML attribute value in double quotes: as xml_text, and tab, CR and LF
// become character references so attribute-value normalisation (XML 1.0
// section 3.3.3) cannot turn them into spaces.
std::string xml_attr(std::string_view s);

// Free text on its way to a terminal or a log line that is not logfmt
// (--check's table, --flush, the spool's lines in the error log): printable
// UTF-8 as it is, so names read right; C0 and C1 controls, DEL, invalid
// UTF-8 and the characters that reorder or break a line (bidirectional
// overrides and isolates, U+2028, U+2029) as \xNN or \u{NNNN}, and a
// backslash doubled.  Nothing from PagerDuty or Twilio can then start a
// new log entry or send the terminal an escape sequence.
std::string display_text(std::string_view s);

// A path segment or query value: everything but RFC 3986 "unreserved"
// characters is percent-encoded.
std::string url_component(std::string_view s);

// At most `limit` bytes of `s`, cut at a character boundary so a cut
// UTF-8 sequence never reaches a URL, an alert or the log.
std::string utf8_prefix(std::string_view s, std::size_t limit);

// The bytes of `s` for which `encode(byte)` holds as %XX (upper-case
// hex), the rest as they are: the one way URLs are percent-encoded here,
// whatever set a context encodes.
template <class Encode>
std::string percent_encode_if(std::string_view s, Encode encode)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (encode(c)) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace pdcf
