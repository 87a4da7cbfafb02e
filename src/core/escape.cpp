#include "core/escape.hpp"

#include <cstdio>

namespace pdcf {

namespace {

constexpr const char *replacement_char = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid,
// RFC 3629 section 4).
std::size_t utf8_sequence(std::string_view s, std::size_t i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    std::size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) { n = 3; lo = 0xA0; }
    else if (c == 0xED) { n = 3; hi = 0x9F; }
    else if (c >= 0xE1 && c <= 0xEF) n = 3;
    else if (c == 0xF0) { n = 4; lo = 0x90; }
    else if (c == 0xF4) { n = 4; hi = 0x8F; }
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else return 0;
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    // U+FFFE and U+FFFF are not XML characters either.
    if (n == 3 && c == 0xEF && byte(i + 1) == 0xBF && byte(i + 2) >= 0xBE) return 0;
    return n;
}

// An ASCII character that stands for itself in text and attributes alike.
bool plain_xml(char c)
{
    return c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

std::string xml_escape(std::string_view s, bool attribute)
{
    std::string out;
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size();) {
        // Most of a TwiML attribute is plain: each such run is copied whole.
        std::size_t run = i;
        while (run < s.size() && plain_xml(s[run])) ++run;
        out.append(s.data() + i, run - i);
        i = run;
        if (i == s.size()) break;
        std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out += replacement_char;
            ++i;
            continue;
        }
        if (n > 1) {
            out.append(s.substr(i, n));
            i += n;
            continue;
        }
        char c = s[i++];
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += attribute ? "&#13;" : "\r"; break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
            break;  // other C0 controls and DEL are dropped
        }
    }
    return out;
}

}  // namespace

std::string xml_text(std::string_view s) { return xml_escape(s, false); }

std::string xml_attr(std::string_view s) { return xml_escape(s, true); }

std::string display_text(std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    auto byte_escape = [&](unsigned char c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8_sequence(s, i);
        auto c = static_cast<unsigned char>(s[i]);
        if (n == 0) {
            byte_escape(c);
            ++i;
        } else if (n == 1) {
            if (c == '\\')
                out += "\\\\";
            else if (c < 0x20 || c == 0x7F)
                byte_escape(c);
            else
                out += static_cast<char>(c);
            ++i;
        } else {
            // The code point, to find C1 controls and the format characters.
            unsigned cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
            for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
            bool hidden = (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
                          (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
                          cp == 0x200F || cp == 0x061C;
            if (hidden) {
                char text[16];
                std::snprintf(text, sizeof text, "\\u{%04x}", cp);
                out += text;
            } else {
                out.append(s.substr(i, n));
            }
            i += n;
        }
    }
    return out;
}

std::string utf8_prefix(std::string_view s, std::size_t limit)
{
    if (s.size() <= limit) return std::string(s);
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut));
}

std::string url_component(std::string_view s)
{
    return percent_encode_if(s, [](unsigned char c) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                          c == '-' || c == '.' || c == '_' || c == '~';
        return !unreserved;
    });
}

}  // namespace pdcf
