#include "twilio/twiml.hpp"

#include "core/escape.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {
constexpr std::string_view header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>";
}  // namespace

Twiml::Twiml() : out_(header) {}

Twiml &Twiml::say(const Voice &voice, std::string_view text)
{
    if (text.empty()) return *this;
    out_ += "<Say voice=\"" + xml_attr(voice.voice) + "\"";
    // Only when set: the voice speaks its own language, and a language it
    // does not speak is an error at Twilio.
    if (!voice.language.empty()) out_ += " language=\"" + xml_attr(voice.language) + "\"";
    out_ += ">";
    out_ += xml_text(text);
    out_ += "</Say>";
    return *this;
}

Twiml &Twiml::play(std::string_view url)
{
    if (!url.empty()) out_ += "<Play>" + xml_text(url) + "</Play>";
    return *this;
}

Twiml &Twiml::prompt(const Voice &voice, const Prompt &p) { return p.audio.empty() ? say(voice, p.text) : play(p.audio); }

Twiml &Twiml::dial(const DialOptions &o, const std::vector<std::string> &numbers)
{
    const bool first = out_ == header;
    out_ += "<Dial timeout=\"" + std::to_string(o.timeout) + "\"";
    if (!o.caller_id.empty()) out_ += " callerId=\"" + xml_attr(o.caller_id) + "\"";
    if (!o.action.empty()) out_ += " action=\"" + xml_attr(o.action) + "\" method=\"POST\"";
    if (first) out_ += " answerOnBridge=\"true\"";
    if (!o.recording_callback.empty())
        out_ += " record=\"record-from-answer-dual\" recordingStatusCallback=\"" + xml_attr(o.recording_callback) +
                "\" recordingStatusCallbackMethod=\"POST\"";
    out_ += ">";
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        out_ += "<Number";
        if (i < o.number_urls.size() && !o.number_urls[i].empty())
            out_ += " url=\"" + xml_attr(o.number_urls[i]) + "\" method=\"POST\"";
        out_ += ">" + xml_text(numbers[i]) + "</Number>";
    }
    out_ += "</Dial>";
    return *this;
}

Twiml &Twiml::gather(const GatherOptions &o, const Voice &voice, std::string_view text)
{
    return gather(o, {{voice, std::string(text)}});
}

Twiml &Twiml::gather(const GatherOptions &o, const std::vector<Spoken> &parts)
{
    out_ += "<Gather input=\"dtmf\" numDigits=\"" + std::to_string(o.num_digits) + "\" timeout=\"" +
            std::to_string(o.timeout) + "\" action=\"" + xml_attr(o.action) + "\" method=\"POST\"" +
            (o.hash_ends_input ? "" : " finishOnKey=\"\"") + (o.action_on_empty ? " actionOnEmptyResult=\"true\">" : ">");
    play(o.play);
    for (const auto &part : parts) say(part.voice, part.text);
    out_ += "</Gather>";
    return *this;
}

Twiml &Twiml::record(const RecordOptions &o)
{
    out_ += "<Record action=\"" + xml_attr(o.action) + "\" method=\"POST\" maxLength=\"" +
            std::to_string(o.max_length) + "\" timeout=\"" + std::to_string(o.timeout) + "\" playBeep=\"true\"";
    if (o.trim_silence) out_ += " trim=\"trim-silence\"";
    if (!o.status_callback.empty())
        out_ += " recordingStatusCallback=\"" + xml_attr(o.status_callback) +
                "\" recordingStatusCallbackMethod=\"POST\"";
    if (!o.transcribe_callback.empty())
        out_ += " transcribe=\"true\" transcribeCallback=\"" + xml_attr(o.transcribe_callback) + "\"";
    out_ += "/>";
    return *this;
}

Twiml &Twiml::redirect(std::string_view url)
{
    out_ += "<Redirect method=\"POST\">" + xml_text(url) + "</Redirect>";
    return *this;
}

Twiml &Twiml::hangup()
{
    out_ += "<Hangup/>";
    return *this;
}

Twiml &Twiml::reject()
{
    out_ += "<Reject reason=\"rejected\"/>";
    return *this;
}

Twiml &Twiml::message(std::string_view to, std::string_view text)
{
    out_ += "<Message";
    if (!to.empty()) out_ += " to=\"" + xml_attr(to) + "\"";
    bool cut = false;
    out_ += ">" + xml_text(message_clip(text, cut)) + "</Message>";
    return *this;
}

std::string message_clip(std::string_view text, bool &cut)
{
    std::size_t units = 0;
    int continuing = 0;  // continuation bytes the last lead byte announced
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) == 0x80 && continuing > 0) {  // the same character goes on
            --continuing;
            continue;
        }
        // A stray continuation byte counts too: xml_text makes it U+FFFD.
        continuing = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        std::size_t width = c >= 0xF0 ? 2 : 1;  // beyond the BMP: a surrogate pair
        if (units + width > limits::max_sms_length) {
            cut = true;
            return std::string(text.substr(0, i));
        }
        units += width;
    }
    cut = false;
    return std::string(text);
}

std::string Twiml::str() const { return out_ + "</Response>\n"; }

}  // namespace pdcf
