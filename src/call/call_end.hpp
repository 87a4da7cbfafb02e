// The callbacks of how a call ends: its voicemail (the <Record> action,
// the recording and its transcription), an answered call's recording
// (record_calls), and the number's own status callback.  Each gets its request prepared as its row of the dispatch
// table asks (webhook.hpp: Prepared) and hands over to the call flow
// (flow.hpp), whose alert it delivers.
#pragma once

#include "call/webhook.hpp"

namespace pdcf {

Response voice_recorded(Prepared &call);
Response voice_recording(Prepared &call);
Response voice_transcription(Prepared &call);
Response voice_call_recording(Prepared &call);
Response voice_status(Prepared &call);

}  // namespace pdcf
