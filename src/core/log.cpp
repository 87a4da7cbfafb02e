#include "core/log.hpp"

#include "core/phone.hpp"

namespace pdcf {

void add_note(std::string &notes, std::string_view note)
{
    if (!notes.empty()) notes += "; ";
    notes += note;
}

std::string logfmt_value(std::string_view s)
{
    bool plain = !s.empty();
    for (unsigned char c : s)
        if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c >= 0x7F) plain = false;
    if (plain) return std::string(s);

    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            // Non-ASCII is escaped byte by byte too: a log reader never
            // sees raw bytes that could be a terminal escape or bad UTF-8.
            if (c < 0x20 || c >= 0x7F) {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string LogRecord::line() const
{
    std::string s = "pd-call-forward:";
    auto add = [&](const char *key, std::string_view value) {
        if (value.empty()) return;
        s += ' ';
        s += key;
        s += '=';
        s += logfmt_value(value);
    };
    add("method", method);
    add("path", path.empty() ? "/" : path);
    add("status", std::to_string(status));
    add("outcome", to_string(outcome));
    add("call_sid", call_sid);
    add("message_sid", message_sid);
    add("route", route);
    add("from", from.empty() ? "" : mask_number(from));
    add("to", to);
    std::string masked;
    for (const auto &n : dialed) masked += (masked.empty() ? "" : ",") + mask_number(n);
    add("dialed", masked);
    masked.clear();
    for (const auto &n : texted) masked += (masked.empty() ? "" : ",") + mask_number(n);
    add("texted", masked);
    if (level > 0) add("level", std::to_string(level));
    if (pd_ms >= 0) {
        add("pd_requests", std::to_string(pd_requests));
        add("pd_ms", std::to_string(pd_ms));
        add("source", source);
        if (age >= 0) add("age", std::to_string(age));
    }
    add("ms", std::to_string(total_ms));
    add("queued_ms", queued_ms);
    if (signature_off) add("signature", "off");
    add("alert", alert);
    add("reason", reason);
    add("url", url);
    return s;
}

}  // namespace pdcf
