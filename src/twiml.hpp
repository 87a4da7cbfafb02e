// Writing TwiML (Twilio's XML call instructions).  Every attribute value
// goes through xml_attr and every text through xml_text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pdcf {

struct Voice {
    std::string voice;
    std::string language;
};

struct DialOptions {
    int timeout = 25;        // seconds to ring
    std::string caller_id;   // empty: Twilio shows the caller's number
};

class Twiml {
public:
    Twiml();
    // <Say>; an empty text writes nothing, since Twilio rejects an empty <Say>.
    Twiml &say(const Voice &voice, std::string_view text);
    // <Dial> ringing every number at once; answerOnBridge keeps the caller
    // hearing the ring until someone answers.
    Twiml &dial(const DialOptions &options, const std::vector<std::string> &numbers);
    Twiml &hangup();
    // The finished document.
    std::string str() const;

private:
    std::string out_;
};

// `template` with {name} and {first_name} replaced: several names are
// joined "A, B and C"; a first name is the name up to its first space.
std::string fill_names(std::string_view text, const std::vector<std::string> &names);

}  // namespace pdcf
