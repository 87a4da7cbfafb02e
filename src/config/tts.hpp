// Twilio's text-to-speech voices, as the current TwiML <Say> reference
// documents them: `man`, `woman`, Amazon Polly (`Polly.Joanna`,
// `Polly.Joanna-Neural`) and Google (`Google.en-US-Standard-C`).  Which
// names are voices, which language each speaks, and which voice and
// language go together.  Pure.
#pragma once

#include <string>
#include <string_view>

namespace pdcf {

// The voice of every <Say> unless the config names another: the current
// <Say> reference's own example, an American English Polly voice.
constexpr std::string_view default_voice = "Polly.Joanna";

struct VoiceCheck {
    enum class Level { ok, warning, error };
    Level level = Level::ok;
    std::string message;  // what is wrong and what to write instead
};

// Whether `voice` (and `language`, "" when not set) may go into a <Say>.
// An invalid voice inside a <Gather> makes Twilio fail the whole document
// (TwiML changelog 2024-07-22), and "an invalid combination of voice and
// language may result in error": both are checked at start, never found
// by a caller.
VoiceCheck voice_check(std::string_view voice, std::string_view language);

// The language a <Say> with these attributes speaks: `language` when set,
// else the voice's own, else Twilio's default, en-US.
std::string spoken_language(std::string_view voice, std::string_view language);

// Whether the voice speaks a language of its own (Polly, Google), so that
// a language set for another voice does not apply to it.
bool voice_speaks_its_own(std::string_view voice);

// The voice for a line that sets a language but no voice: a Polly voice of
// that language (its region first), else default_voice.
std::string voice_for_language(std::string_view language);

}  // namespace pdcf
