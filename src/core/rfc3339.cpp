#include "core/rfc3339.hpp"

#include <cstdio>

#include "core/ascii.hpp"

namespace pdcf {

std::optional<long long> parse_rfc3339(std::string_view t)
{
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
    auto digits = [&](std::size_t at, std::size_t n, int &out) {
        auto v = at + n <= t.size() ? parse_decimal(t.substr(at, n), 0, 9999) : std::nullopt;
        if (v) out = static_cast<int>(*v);
        return v.has_value();
    };
    int year, month, day, hour, minute, second;
    if (t.size() < 20 || !digits(0, 4, year) || t[4] != '-' || !digits(5, 2, month) || t[7] != '-' ||
        !digits(8, 2, day) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !digits(11, 2, hour) ||
        t[13] != ':' || !digits(14, 2, minute) || t[16] != ':' || !digits(17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::size_t i = 19;
    if (i < t.size() && t[i] == '.') {
        ++i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    }
    long long offset = 0;
    if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
        ++i;
    } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
        int oh, om;
        if (!digits(i + 1, 2, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(i + 4, 2, om)) return std::nullopt;
        offset = (t[i] == '-' ? -1 : 1) * (oh * 3600LL + om * 60LL);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != t.size()) return std::nullopt;
    // Days from the civil date (Howard Hinnant's days_from_civil), so no
    // time zone of this machine is involved.
    long long y = year - (month <= 2 ? 1 : 0);
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = era * 146097 + doe - 719468;
    return days * 86400 + hour * 3600LL + minute * 60LL + second - offset;
}

std::string format_rfc3339(long long t)
{
    // Howard Hinnant's civil_from_days, the inverse of the above.
    long long days = (t >= 0 ? t : t - 86399) / 86400;
    long long secs = t - days * 86400;
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long day = doy - (153 * mp + 2) / 5 + 1;
    long long month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char text[128];  // room for any long long, which a real clock never needs
    std::snprintf(text, sizeof text, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", year, month, day, secs / 3600,
                  secs / 60 % 60, secs % 60);
    return text;
}

}  // namespace pdcf
