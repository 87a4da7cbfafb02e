// The handlers of every request Twilio makes during a call: the incoming
// call and each callback of the hunt, the screen and the voicemail.  They
// check the signature, find the route, ask PagerDuty, and hand over to the
// call flow (flow.hpp), then deliver its alert.
#pragma once

#include "handler.hpp"

namespace pdcf {

using Handle = Response (*)(const Request &, const Context &, TimePoint, LogRecord &);

Response voice_incoming(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_dial_status(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_screen(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_screen_result(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_recorded(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_recording(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_transcription(const Request &, const Context &, TimePoint, LogRecord &);
Response voice_status(const Request &, const Context &, TimePoint, LogRecord &);

// Shared with handler.cpp.
Response plain_response(int status, std::string body);
Response rejected_response(LogRecord &log, int status, const std::string &body, const std::string &reason);

}  // namespace pdcf
