// TwiML carries names from PagerDuty, numbers and text from the caller and
// the operator's messages: whatever they hold, the document must stay
// well-formed XML, or Twilio plays an error instead of ringing anyone.
// Input: its first byte separates the fields that follow.
#include <cctype>
#include <cstddef>
#include <cstdint>

#include "core/escape.hpp"
#include "core/form.hpp"
#include "core/limits.hpp"
#include "core/placeholders.hpp"
#include "support.hpp"
#include "twilio/twiml.hpp"
#include "xml.hpp"

using namespace pdcf;

namespace {

// Text the escapers must keep exactly: printable ASCII, tab, CR and LF.
bool plain(std::string_view s)
{
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x7F) return false;
    return true;
}

std::vector<std::string> list(std::string_view field)
{
    std::vector<std::string> out;
    if (field.empty()) return out;
    for (std::string_view s : fuzz::split(field, ",")) out.emplace_back(s);
    return out;
}

// A small number from a field, for the attributes written with to_string.
int number(std::string_view field)
{
    int n = 0;
    for (unsigned char c : field) n = (n * 31 + c) % 100000;
    return field.size() % 2 ? -n : n;
}

// The escapers alone: a parser reads back exactly what was escaped (an
// attribute keeps even tab, CR and LF; in text, XML itself turns CR into
// LF), and a URL component decodes back to its input.
void check_escapers(std::string_view s)
{
    std::string value;
    fuzz::require(fuzz::xml_root_value("<a b=\"" + xml_attr(s) + "\"/>", "b", value));
    if (plain(s)) fuzz::require(value == s);
    fuzz::require(fuzz::xml_root_value("<a>" + xml_text(s) + "</a>", nullptr, value));
    if (plain(s) && s.find('\r') == std::string_view::npos) fuzz::require(value == s);

    std::string encoded = url_component(s);
    for (unsigned char c : encoded)
        fuzz::require(std::isalnum(c) || c == '%' || c == '-' || c == '.' || c == '_' || c == '~');
    if (s.size() > limits::max_param_length) return;
    auto decoded = form_decode("v=" + encoded);
    fuzz::require(decoded && decoded->size() == 1 && (*decoded)[0].value == s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    auto f = fuzz::split(fuzz::as_text(data + 1, size - 1), std::string_view(reinterpret_cast<const char *>(data), 1));
    auto field = [&](std::size_t n) { return fuzz::part(f, n); };

    Voice voice{std::string(field(0)), std::string(field(1))};
    std::vector<std::string> names = list(field(2));
    // The operator's messages hold placeholders; the values are PagerDuty's
    // names and the caller's number.
    std::string greeting = fill_names(field(3), names);
    std::string whisper = fill(field(4), {{"{title}", std::string(field(5))}, {"{caller}", std::string(field(6))}});

    DialOptions dial;
    dial.timeout = number(field(7));
    dial.caller_id = field(8);
    dial.action = field(9);
    dial.number_urls = {std::string(field(10)), std::string(field(8))};
    GatherOptions gather;
    gather.num_digits = number(field(11));
    gather.action = field(12);
    gather.action_on_empty = field(12).size() % 2 == 1;
    RecordOptions record;
    record.action = field(13);
    record.status_callback = field(14);
    record.transcribe_callback = field(15);
    record.max_length = number(field(16));

    std::string doc = Twiml()
                          .say(voice, greeting)
                          .dial(dial, list(field(17)))
                          .gather(gather, voice, whisper)
                          .say(voice, field(18))
                          .record(record)
                          .hangup()
                          .str();
    fuzz::require(fuzz::xml_well_formed(doc));
    // An answer to a text: the sender's words forwarded to a number, and a
    // reply that takes no number.
    doc = Twiml().message(field(19), field(20)).message("", field(21)).reject().str();
    fuzz::require(fuzz::xml_well_formed(doc));
    fuzz::require(fuzz::xml_well_formed(Twiml().str()));

    for (std::string_view s : f) check_escapers(s);
    return 0;
}
