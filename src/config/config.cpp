#include "config/config.hpp"

#include <sys/stat.h>

#include "core/limits.hpp"
#include "core/small_file.hpp"

namespace pdcf {

std::string ConfigProblem::str() const
{
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!where.empty()) s += where + ": ";
    return s + message;
}

std::string ConfigResult::summary() const
{
    if (errors.empty()) return {};
    std::string s = errors.front().str();
    if (errors.size() > 1) s += " (and " + std::to_string(errors.size() - 1) + " more)";
    return s;
}

ConfigResult config_load(const std::string &path)
{
    auto text = read_small_file(path, limits::max_config_file);
    if (!text) {
        ConfigResult result;
        result.config.path = path;
        result.errors.push_back({path, 0, "", "cannot read the configuration file: " + text.error()});
        return result;
    }
    FileReader reader = [](const std::string &file, std::size_t max) { return read_small_file(file, max); };
    ConfigResult result = config_parse(*text, path, reader);

    std::vector<std::string> holding_secrets = result.config.secret_files;
    if (result.config.inline_secrets) holding_secrets.insert(holding_secrets.begin(), path);
    for (const auto &file : holding_secrets) {
        struct stat st;
        if (stat(file.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
            result.warnings.push_back({file, 0, "",
                                       "holds a secret and every user can read it; make it readable only by the "
                                       "program's user or group (chmod o-rwx " + file + ")"});
    }
    return result;
}

}  // namespace pdcf
