#include "twiml.hpp"

#include "escape.hpp"

namespace pdcf {

Twiml::Twiml() : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>") {}

Twiml &Twiml::say(const Voice &voice, std::string_view text)
{
    if (text.empty()) return *this;
    out_ += "<Say voice=\"" + xml_attr(voice.voice) + "\" language=\"" + xml_attr(voice.language) + "\">";
    out_ += xml_text(text);
    out_ += "</Say>";
    return *this;
}

Twiml &Twiml::dial(const DialOptions &options, const std::vector<std::string> &numbers)
{
    out_ += "<Dial timeout=\"" + std::to_string(options.timeout) + "\"";
    if (!options.caller_id.empty()) out_ += " callerId=\"" + xml_attr(options.caller_id) + "\"";
    out_ += " answerOnBridge=\"true\">";
    for (const auto &n : numbers) out_ += "<Number>" + xml_text(n) + "</Number>";
    out_ += "</Dial>";
    return *this;
}

Twiml &Twiml::hangup()
{
    out_ += "<Hangup/>";
    return *this;
}

std::string Twiml::str() const { return out_ + "</Response>\n"; }

namespace {

std::string join_names(const std::vector<std::string> &names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) s += i + 1 == names.size() ? " and " : ", ";
        s += names[i];
    }
    return s;
}

}  // namespace

std::string fill_names(std::string_view text, const std::vector<std::string> &names)
{
    std::vector<std::string> first;
    for (const auto &n : names) first.push_back(n.substr(0, n.find(' ')));
    // One pass, so a name that itself contains "{name}" stays as it is.
    static constexpr std::string_view name_tag = "{name}", first_tag = "{first_name}";
    std::string s;
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, name_tag.size(), name_tag) == 0) {
            s += join_names(names);
            i += name_tag.size();
        } else if (text.compare(i, first_tag.size(), first_tag) == 0) {
            s += join_names(first);
            i += first_tag.size();
        } else {
            s += text[i++];
        }
    }
    return s;
}

}  // namespace pdcf
