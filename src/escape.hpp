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

// A path segment or query value: everything but RFC 3986 "unreserved"
// characters is percent-encoded.
std::string url_component(std::string_view s);

}  // namespace pdcf
