#include "options.hpp"

#include <string_view>

namespace pdcf {

Options options_parse(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            o.help = true;
        } else if (arg == "-V" || arg == "--version") {
            o.version = true;
        } else if (arg == "-c" || arg == "--config") {
            if (i + 1 >= argc) {
                o.error = std::string(arg) + " needs a file name";
                return o;
            }
            o.config = argv[++i];
        } else if (arg.substr(0, 9) == "--config=") {
            o.config = std::string(arg.substr(9));
        } else {
            o.error = "unknown argument: " + std::string(arg);
            return o;
        }
    }
    return o;
}

std::string options_usage()
{
    return "usage: pd-call-forward [-c FILE]\n"
           "       pd-call-forward --help | --version\n"
           "\n"
           "Answers Twilio's incoming-call webhook with TwiML that dials whoever is\n"
           "on call in PagerDuty.  Run it from a web server: as a FastCGI program\n"
           "(spawn-fcgi, mod_fcgid, a systemd socket) or as a CGI program; the mode\n"
           "is detected when it starts.\n"
           "\n"
           "  -c, --config FILE  configuration file (else $PD_CALL_FORWARD_CONFIG,\n"
           "                     else /etc/pd-call-forward/pd-call-forward.ini)\n"
           "  -h, --help         show this help\n"
           "  -V, --version      show the version\n"
           "\n"
           "See pd-call-forward(8) and pd-call-forward.ini(5).\n";
}

std::string options_config_path(const Options &options, const char *env_value)
{
    if (!options.config.empty()) return options.config;
    if (env_value && *env_value) return env_value;
    return default_config_path;
}

}  // namespace pdcf
