// The handler of Twilio's incoming-message webhook (/sms): it checks the
// signature, finds the route (a menu's number picks one from the text),
// asks PagerDuty who is on call, and hands over to sms_flow.hpp.
#pragma once

#include "call/webhook.hpp"

namespace pdcf {

Response sms_incoming(Prepared &call);

}  // namespace pdcf
