// The handlers of the requests Twilio makes while a call is put through:
// the incoming call, the menu, the caller's reason (ask_reason), and each
// callback of the hunt and the screen (call_end.hpp has the voicemail's and the end's).  Each gets its request prepared as its row of the dispatch
// table asks (webhook.hpp: Prepared), asks PagerDuty, and hands over to
// the call flow (flow.hpp), whose alert it delivers.
#pragma once

#include "call/webhook.hpp"

namespace pdcf {

Response voice_incoming(Prepared &call);
Response voice_menu(Prepared &call);
Response voice_reason(Prepared &call);
Response voice_reason_ready(Prepared &call);
Response voice_dial_status(Prepared &call);
Response voice_screen(Prepared &call);
Response voice_screen_result(Prepared &call);

}  // namespace pdcf
