// The handlers of every request Twilio makes during a call: the incoming
// call, the menu, and each callback of the hunt, the screen and the voicemail.  They
// check the signature, find the route, ask PagerDuty, and hand over to the
// call flow (flow.hpp), then deliver its alert.
#pragma once

#include "call/webhook.hpp"

namespace pdcf {

Response voice_incoming(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_menu(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_dial_status(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_screen(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_screen_result(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_recorded(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_recording(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_transcription(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_status(const Request &, const Context &, TimePoint, LogRecord &);

}  // namespace pdcf
