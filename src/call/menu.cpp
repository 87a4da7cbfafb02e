#include "call/menu.hpp"

#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "twilio/twiml.hpp"

namespace pdcf {

std::string menu_query(const MenuState &st)
{
    return "menu=" + url_component(st.menu) + "&t=" + std::to_string(st.started) + "&try=" + std::to_string(st.attempt);
}

MenuState menu_parse(const Params &query, const Params &twilio)
{
    MenuState st;
    st.from = form_value(twilio, "From");
    st.to = form_value(twilio, "To");
    auto number = [](const std::string &v, long long high) { return parse_decimal(v, 0, high).value_or(-1); };
    for (const auto &p : query) {
        if (p.name == "menu") st.menu = p.value;
        else if (p.name == "from") st.from = p.value;
        else if (p.name == "to") st.to = p.value;
        else if (long long n = number(p.value, 1LL << 40); p.name == "t" && n >= 0) st.started = n;
        else if (p.name == "try" && n >= 1 && n <= 1000) st.attempt = static_cast<int>(n);
    }
    return st;
}

FlowResult menu_prompt(const Menu &menu, const FlowUrls &urls, const MenuState &state, const std::string &before)
{
    const Voice voice{menu.call.voice, menu.call.language};
    GatherOptions options;
    options.timeout = menu.timeout;
    options.action = urls.of("/voice/menu", menu_query(state));
    options.action_on_empty = true;
    options.hash_ends_input = false;  // '#' may be a choice
    options.play = menu.prompt_audio;
    Twiml twiml;
    // The prompt's parts, each in its own voice and language; none under a
    // recording.
    std::vector<Spoken> parts;
    if (menu.prompt_audio.empty())
        for (const auto &p : menu.prompt_parts) parts.push_back({{p.voice, p.language}, p.text});
    if (menu.prompt_audio.empty() && menu.prompt_parts.empty()) parts.push_back({voice, menu.prompt});
    twiml.say(voice, before).gather(options, parts);
    FlowResult r;
    r.twiml = twiml.str();
    r.outcome = Outcome::menu;
    return r;
}

MenuStep menu_step(const Menu &menu, std::string_view digits, int attempt)
{
    MenuStep step;
    for (const auto &e : menu.entries)
        if (digits.size() == 1 && digits[0] == e.key) {
            step.pick = e.route.empty() ? MenuPick::voicemail : MenuPick::route;
            step.route = e.route;
            step.reason = "key " + std::string(digits);
            return step;
        }
    // Twilio sends only what was pressed, but a URL can say anything: the
    // log shows at most a few characters of it.
    const std::string what = digits.empty() ? "no key" : "key " + std::string(digits.substr(0, 4)) + " is not a choice";
    const int prompts = menu.retries + 1;
    if (attempt < prompts) {
        step.wrong_key = !digits.empty();
        step.reason = what + " (" + std::to_string(attempt) + " of " + std::to_string(prompts) + ")";
        return step;
    }
    step.pick = menu.fallback.route.empty() ? MenuPick::voicemail : MenuPick::route;
    step.route = menu.fallback.route;
    step.reason = what + "; default";
    return step;
}

CallState menu_call_state(const MenuState &st, const std::string &route)
{
    CallState cs;
    cs.route = route;
    cs.from = st.from;
    cs.to = st.to;
    cs.started = st.started;
    return cs;
}

}  // namespace pdcf
