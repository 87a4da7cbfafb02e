// The handlers of every request Twilio makes during a call: the incoming
// call, the menu, and each callback of the hunt, the screen and the
// voicemail.  Each gets its request prepared as its row of the dispatch
// table asks (webhook.hpp: Prepared), asks PagerDuty, and hands over to
// the call flow (flow.hpp), whose alert it delivers.
#pragma once

#include "call/webhook.hpp"

namespace pdcf {

Response voice_incoming(Prepared &call);
Response voice_menu(Prepared &call);
Response voice_dial_status(Prepared &call);
Response voice_screen(Prepared &call);
Response voice_screen_result(Prepared &call);
Response voice_recorded(Prepared &call);
Response voice_recording(Prepared &call);
Response voice_transcription(Prepared &call);
Response voice_status(Prepared &call);

}  // namespace pdcf
