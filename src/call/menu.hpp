// The spoken menu of a [menu:NAME]: prompt → key → the chosen route's call
// flow, or the menu's own voicemail.  Where the caller stands travels in
// the query of the <Gather> action, which Twilio signs like the hunt's
// URLs, so no state is kept on the server.  Pure.
#pragma once

#include <string>
#include <string_view>

#include "call/flow.hpp"
#include "config/config.hpp"
#include "core/form.hpp"

namespace pdcf {

struct MenuState {
    std::string menu;
    std::string from;        // the caller
    std::string to;          // the number called
    long long started = 0;   // when the call came in, seconds since the epoch
    int attempt = 1;         // how many times the prompt has been said
};

// "menu=main&t=...&try=1": the <Gather> action is requested on the
// caller's own leg, whose From and To (`twilio`) are the caller's and the
// called number, so they stay out of the URL and the access logs.
std::string menu_query(const MenuState &state);
MenuState menu_parse(const Params &query, const Params &twilio);

// The prompt inside a <Gather> of one key, whose action (/voice/menu) is
// requested with or without a key.  `before` is said first, outside the
// gather (invalid_message after a wrong key); empty: nothing.
FlowResult menu_prompt(const Menu &menu, const FlowUrls &urls, const MenuState &state, const std::string &before = {});

enum class MenuPick { route, voicemail, again };

struct MenuStep {
    MenuPick pick = MenuPick::again;
    std::string route;   // MenuPick::route: its name
    bool wrong_key = false;  // MenuPick::again after a key that is not a choice
    std::string reason;  // for the log: "key 2", "no key (1 of 3)", "key 7 is not a choice; default"
};

// What the key `digits` pressed at prompt number `attempt` leads to: its
// entry; or, for no key or a wrong one, the prompt again while retries
// remain, then `default`.
MenuStep menu_step(const Menu &menu, std::string_view digits, int attempt);

// The call state a route's flow starts from, once the caller has chosen.
CallState menu_call_state(const MenuState &state, const std::string &route);

}  // namespace pdcf
