// Writing TwiML (Twilio's XML call instructions).  Every attribute value
// goes through xml_attr and every text through xml_text.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pdcf {

struct Voice {
    std::string voice;
    std::string language;
};

// What a caller hears at one step: the company's own recording (`audio`,
// <Play>) instead of the text (<Say>) when one is set.
struct Prompt {
    std::string text;
    std::string audio;
};

// One part of what a <Gather> says, in its own voice and language (a menu
// whose choices are each in their route's language).
struct Spoken {
    Voice voice;
    std::string text;
};

struct DialOptions {
    int timeout = 25;        // seconds to ring
    std::string caller_id;   // empty: Twilio shows the caller's number
    std::string action;      // where Twilio reports how the dial ended; empty: none
    // Per number, in order: TwiML run on that callee's leg before joining
    // (the screen); missing or empty: none.
    std::vector<std::string> number_urls;
    // Set: the bridged call is recorded, both sides on their own channels
    // (record="record-from-answer-dual"), and Twilio posts here when the
    // recording is ready.
    std::string recording_callback = {};
};

struct GatherOptions {
    int num_digits = 1;
    int timeout = 5;
    std::string action;      // always set: it defaults to the current URL
    bool action_on_empty = false;  // request the action when no key was pressed, too
    // Twilio ends the input at '#' (finishOnKey's default) and sends it as
    // no key; false makes '#' a key like the others (finishOnKey="").
    bool hash_ends_input = true;
    // An audio URL played before the text (<Play> in the <Gather>); empty: none.
    std::string play;
};

struct RecordOptions {
    std::string action;               // always set: it defaults to the current URL
    std::string status_callback;      // recordingStatusCallback: the recording is ready
    int max_length = 120;
    int timeout = 5;                  // seconds of silence that end it
    bool trim_silence = false;        // trim="trim-silence": silence at either end cut
    std::string transcribe_callback;  // empty: no transcription
};

class Twiml {
public:
    Twiml();
    // <Say>; an empty text writes nothing, since Twilio rejects an empty <Say>.
    Twiml &say(const Voice &voice, std::string_view text);
    // <Play> of an audio URL; an empty one writes nothing.
    Twiml &play(std::string_view url);
    // The prompt's <Play>, else its <Say>.
    Twiml &prompt(const Voice &voice, const Prompt &prompt);
    // <Dial> ringing every number at once.  As the first verb of the
    // document it carries answerOnBridge: a call nothing has answered yet
    // (no greeting) then keeps ringing, unanswered and unbilled, until an
    // engineer is put through.  After a <Say> the call is already answered
    // and the attribute would do nothing (TwiML <Dial>), so it is left out.
    Twiml &dial(const DialOptions &options, const std::vector<std::string> &numbers);
    // <Gather> of DTMF digits around a <Say>, or several in turn.
    Twiml &gather(const GatherOptions &options, const Voice &voice, std::string_view text);
    Twiml &gather(const GatherOptions &options, const std::vector<Spoken> &parts);
    Twiml &record(const RecordOptions &options);
    Twiml &hangup();
    // <Redirect method="POST">: Twilio requests `url` for the rest of the call.
    Twiml &redirect(std::string_view url);
    // <Reject>: the call is refused unanswered (and unbilled); the caller
    // hears that the number is not in service.
    Twiml &reject();
    // <Message>, in the answer to an incoming text: to `to`, or to the
    // sender when `to` is empty; the text cut by message_clip.
    Twiml &message(std::string_view to, std::string_view text);
    // The finished document.
    std::string str() const;

private:
    std::string out_;
};

// `text` cut to limits::max_sms_length UTF-16 units at a character
// boundary: a <Message> body "must be less than 1600 characters" (TwiML
// <Message>), and Twilio counts them as UTF-16 does.  `cut` says whether
// anything was left out.
std::string message_clip(std::string_view text, bool &cut);

}  // namespace pdcf
