// [server]: who may read /metrics, and how much call history is kept.
#include "config/config_value.hpp"
#include "config/parser.hpp"
#include "core/limits.hpp"

namespace pdcf::ini {

namespace {

// "127.0.0.1/8, ::1": the prefixes, or the first one that is not.
Result<std::vector<AddressPrefix>> prefixes(const std::string &value)
{
    std::vector<AddressPrefix> out;
    std::size_t pos = 0;
    while (pos <= value.size()) {
        std::size_t comma = value.find(',', pos);
        if (comma == std::string::npos) comma = value.size();
        std::string_view item = trim(std::string_view(value).substr(pos, comma - pos));
        pos = comma + 1;
        if (item.empty()) continue;
        auto p = address_prefix(item);
        if (!p) return fail(p.error());
        out.push_back(*p);
    }
    return out;
}

std::string size_words(std::size_t n)
{
    if (n % (1024 * 1024 * 1024) == 0) return std::to_string(n / (1024 * 1024 * 1024)) + "G";
    if (n % (1024 * 1024) == 0) return std::to_string(n / (1024 * 1024)) + "M";
    return std::to_string(n / 1024) + "K";
}

}  // namespace

void Parser::server(const pt::ptree &tree)
{
    const std::string s = "server";
    auto &sv = r_.config.server;
    for (const auto &[key, node] : tree) {
        std::string value = unquote(trim(node.data()));
        if (key == "metrics_allow") {
            // Empty: nobody; /metrics answers 403 to every peer.
            auto list = prefixes(value);
            if (!list) error(s, key, list.error() + "; separate them with commas");
            else sv.metrics_allow = *list;
        } else if (key == "history_max") {
            auto n = parse_size(value);
            if (!n || *n < limits::min_history || *n > limits::max_history)
                error(s, key, "expected bytes from " + size_words(limits::min_history) + " to " +
                                  size_words(limits::max_history) + ", such as 4M or 512K");
            else
                sv.history_max = *n;
        } else {
            error(s, key, "unknown key (expected metrics_allow or history_max)");
        }
    }
}

}  // namespace pdcf::ini
