// The configuration parser's inside, shared by the files that make it up.
// Nothing outside src/config/ includes this: config.hpp is the interface.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/property_tree/ptree.hpp>

#include "config/config.hpp"
#include "config/ini_index.hpp"

namespace pdcf::ini {

namespace pt = boost::property_tree;

// Reads the INI text into a ConfigResult: every error and warning with its
// line, nothing half-read taken for good.  Its parts are in parser.cpp
// (the sections), parse_call.cpp (the [call] keys), parse_hours.cpp (the
// opening hours), parse_menu.cpp (the menus) and parse_checks.cpp (what is
// checked once all is read).
class Parser {
public:
    Parser(std::string_view text, const std::string &path, const FileReader &read_file, ConfigResult &result)
        : text_(menu_hash_keys(text)), index_(ini_index(text_)), path_(path), read_file_(read_file), r_(result)
    {
        r_.config.path = path;
    }

    void run();

private:
    void error(const std::string &section, const std::string &key, const std::string &message)
    {
        add(r_.errors, section, key, message);
    }
    void warning(const std::string &section, const std::string &key, const std::string &message)
    {
        add(r_.warnings, section, key, message);
    }
    void add(std::vector<ConfigProblem> &to, const std::string &section, const std::string &key, const std::string &message)
    {
        ConfigProblem p;
        p.file = path_;
        p.line = ini_line(index_, section, key);
        if (p.line == 0 && !key.empty()) p.line = ini_line(index_, section, "");
        p.where = section.empty() ? key : "[" + section + "]" + (key.empty() ? "" : " " + key);
        p.message = message;
        to.push_back(std::move(p));
    }

    std::string secret(const std::string &section, const pt::ptree &tree, const std::string &key, bool required);
    std::string beside_config(const std::string &file) const;
    bool hours_key(const std::string &section, const std::string &key, const std::string &value, CallSettings &call);
    std::vector<std::int32_t> holidays_file(const std::string &section, const std::string &key, const std::string &value);
    void settle_hours(CallSettings &call) const;
    void hours_checks(const std::string &section, const std::string &self, const CallSettings &call);
    bool call_key(const std::string &section, const std::string &key, const std::string &value, CallSettings &call);
    bool special_call_key(const std::string &section, const std::string &key, const std::string &value,
                          CallSettings &call);
    void routing_key(const std::string &section, const pt::ptree &tree, CallSettings &call);
    void pagerduty(const pt::ptree &tree);
    void twilio(const pt::ptree &tree);
    void call(const pt::ptree &tree);
    void server(const pt::ptree &tree);
    void route(const std::string &section, const pt::ptree &tree);
    void menu(const std::string &section, const pt::ptree &tree);
    void menu_number(const std::string &section, const std::string &key, const std::string &value, Menu &menu);
    void menu_checks();
    void settle_voice(const std::string &section, CallSettings &call) const;
    void voice_checks(const std::string &section, const CallSettings &call);
    void transcription_checks(const std::string &section, const CallSettings &call);
    void call_alert_checks(const std::string &section, const CallSettings &call);
    bool sets_any(const std::string &section, std::initializer_list<const char *> keys) const;
    void cross_checks();
    void number_checks();

    std::string text_;
    std::vector<IniLine> index_;
    const std::string &path_;
    const FileReader &read_file_;
    ConfigResult &r_;
    bool have_pagerduty_ = false;
    bool have_twilio_ = false;
};

}  // namespace pdcf::ini
