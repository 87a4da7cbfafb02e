// Text messages to the line: each is forwarded as SMS to the route's
// on-call people, with an optional confirmation to the sender, and an
// alert when asked for or when nobody could be reached.  Like flow.hpp it
// maps one request (and what PagerDuty said) to the TwiML answer, the
// log's outcome and the alert.  Pure.
#pragma once

#include <string>
#include <string_view>

#include "alerts/alert.hpp"
#include "call/flow.hpp"
#include "config/callers.hpp"
#include "config/config.hpp"
#include "core/form.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

// Twilio's incoming-message parameters: MessageSid, From, To, Body, and
// NumMedia MediaUrl0...
TextMessage text_message(const Params &twilio);

// The entry of `menu` a text is for: one whose key ("2 the site is
// down"), route name or route title starts it, compared without case.
// nullptr: the text names none.
const MenuEntry *text_menu_entry(const Config &config, const Menu &menu, std::string_view body);

// The text to everyone at the lowest level that has someone to text (at
// most limits::max_sms_messages with the confirmation), but never to the
// line's own number or back to the sender.  Nobody to text: the sender is
// told so, and an alert is raised.
FlowResult sms_forward(const Route &route, const TextMessage &message, const Snapshot &snap);

// A text to a menu's number that names no entry when the menu's default
// is voicemail: it raises the menu's alert, and the reply says how to
// reach a team.
FlowResult sms_unrouted(const Config &config, const Menu &menu, const TextMessage &message);

// A text from one of the lines' own numbers (`line`): another line
// forwarding to an on-call whose phone is this line, or its reply.  Not
// answered, forwarded or alerted, so two lines never text each other in a
// loop.
FlowResult sms_from_line(const LineNumber &line);

// A sender the lists keep out: a blocked one gets no answer, a refused one
// rejected_message.
FlowResult sms_refused(const Route &route, const TextMessage &message, const CallerCheck &check);

}  // namespace pdcf
