#include "config/tts.hpp"

#include <algorithm>
#include <cctype>

#include "core/ascii.hpp"

namespace pdcf {

namespace {

// Amazon Polly's voices and the language each speaks, from Amazon's list of
// available voices (two for its bilingual ones).  A Polly voice missing
// here is still accepted (Amazon adds voices); it is only not checked
// against `language`.  The first of a language is the one
// voice_for_language picks: the default voice for American English.
struct PollyVoice {
    std::string_view name;
    std::string_view language;
    std::string_view also = {};
};
constexpr PollyVoice polly_voices[] = {
    {"Joanna", "en-US"},   {"Ivy", "en-US"},    {"Kendra", "en-US"},   {"Kimberly", "en-US"},
    {"Salli", "en-US"},    {"Joey", "en-US"},      {"Justin", "en-US"},   {"Kevin", "en-US"},
    {"Matthew", "en-US"},  {"Ruth", "en-US"},      {"Stephen", "en-US"},  {"Danielle", "en-US"},
    {"Gregory", "en-US"},  {"Amy", "en-GB"},       {"Emma", "en-GB"},     {"Brian", "en-GB"},
    {"Arthur", "en-GB"},   {"Nicole", "en-AU"},    {"Olivia", "en-AU"},   {"Russell", "en-AU"},
    {"Aditi", "en-IN", "hi-IN"}, {"Kajal", "en-IN", "hi-IN"}, {"Raveena", "en-IN"}, {"Niamh", "en-IE"},
    {"Aria", "en-NZ"},     {"Ayanda", "en-ZA"},    {"Geraint", "en-GB-WLS"}, {"Jasmine", "en-SG"},
    {"Gwyneth", "cy-GB"},  {"Hans", "de-DE"},      {"Marlene", "de-DE"},  {"Vicki", "de-DE"},
    {"Daniel", "de-DE"},   {"Hannah", "de-AT"},    {"Sabrina", "de-CH"},  {"Celine", "fr-FR"},
    {"Lea", "fr-FR"},      {"Mathieu", "fr-FR"},   {"Remi", "fr-FR"},     {"Chantal", "fr-CA"},
    {"Gabrielle", "fr-CA"}, {"Liam", "fr-CA"},     {"Isabelle", "fr-BE"}, {"Conchita", "es-ES"},
    {"Enrique", "es-ES"},  {"Lucia", "es-ES"},     {"Sergio", "es-ES"},   {"Mia", "es-MX"},
    {"Andres", "es-MX"},   {"Lupe", "es-US"},      {"Miguel", "es-US"},   {"Penelope", "es-US"},
    {"Pedro", "es-US"},    {"Bianca", "it-IT"},    {"Carla", "it-IT"},    {"Giorgio", "it-IT"},
    {"Adriano", "it-IT"},  {"Camila", "pt-BR"},    {"Ricardo", "pt-BR"},  {"Vitoria", "pt-BR"},
    {"Thiago", "pt-BR"},   {"Cristiano", "pt-PT"}, {"Ines", "pt-PT"},     {"Lotte", "nl-NL"},
    {"Ruben", "nl-NL"},    {"Laura", "nl-NL"},     {"Lisa", "nl-BE"},     {"Mads", "da-DK"},
    {"Naja", "da-DK"},     {"Sofie", "da-DK"},     {"Astrid", "sv-SE"},   {"Elin", "sv-SE"},
    {"Liv", "nb-NO"},      {"Ida", "nb-NO"},       {"Ewa", "pl-PL"},      {"Jacek", "pl-PL"},
    {"Jan", "pl-PL"},      {"Maja", "pl-PL"},      {"Ola", "pl-PL"},      {"Maxim", "ru-RU"},
    {"Tatyana", "ru-RU"},  {"Mizuki", "ja-JP"},    {"Takumi", "ja-JP"},   {"Kazuha", "ja-JP"},
    {"Tomoko", "ja-JP"},   {"Seoyeon", "ko-KR"},   {"Zhiyu", "cmn-CN"},   {"Hiujin", "yue-CN"},
    {"Filiz", "tr-TR"},    {"Burcu", "tr-TR"},     {"Carmen", "ro-RO"},   {"Dora", "is-IS"},
    {"Karl", "is-IS"},     {"Zeina", "arb"},       {"Hala", "ar-AE", "en-AE"}, {"Zayd", "ar-AE", "en-AE"},
    {"Suvi", "fi-FI"},     {"Arlet", "ca-ES"},     {"Jitka", "cs-CZ"},
};

// Polly's engines, as Twilio names them after the voice.
constexpr std::string_view polly_engines[] = {"-Neural", "-Generative", "-LongForm"};

constexpr std::string_view polly_prefix = "Polly.";
constexpr std::string_view google_prefix = "Google.";

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool ends_with(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "Joanna" of "Polly.Joanna-Neural", or "" when it is not a Polly name.
std::string_view polly_name(std::string_view voice)
{
    if (!starts_with(voice, polly_prefix)) return {};
    std::string_view name = voice.substr(polly_prefix.size());
    for (std::string_view engine : polly_engines)
        if (ends_with(name, engine)) {
            name.remove_suffix(engine.size());
            break;
        }
    if (name.size() < 2 || !is_upper(name[0]) || !std::all_of(name.begin() + 1, name.end(), is_lower)) return {};
    return name;
}

// "en-US" of "Google.en-US-Standard-C" (a language of two or three
// letters, a region of two letters or three digits, then the voice), or "".
std::string_view google_language(std::string_view voice)
{
    if (!starts_with(voice, google_prefix)) return {};
    std::string_view rest = voice.substr(google_prefix.size());
    std::size_t lang = 0;
    while (lang < rest.size() && is_lower(rest[lang])) ++lang;
    if (lang < 2 || lang > 3 || lang >= rest.size() || rest[lang] != '-') return {};
    std::size_t region = lang + 1, end = region;
    while (end < rest.size() && (is_upper(rest[end]) || is_ascii_digit(rest[end]))) ++end;
    bool region_ok = (end - region == 2 && is_upper(rest[region])) || (end - region == 3 && is_ascii_digit(rest[region]));
    if (!region_ok || end + 1 >= rest.size() || rest[end] != '-') return {};
    std::string_view name = rest.substr(end + 1);
    if (!std::all_of(name.begin(), name.end(), [](char c) { return is_upper(c) || is_lower(c) || is_ascii_digit(c) || c == '-'; }))
        return {};
    return rest.substr(0, end);
}

const PollyVoice *polly_voice(std::string_view name)
{
    for (const auto &v : polly_voices)
        if (v.name == name) return &v;
    return nullptr;
}


// The language part of a tag, with the macrolanguages Polly and Twilio
// write differently (arb, cmn, yue) taken as the language they belong to.
std::string primary(std::string_view tag)
{
    std::string p = ascii_lower(tag.substr(0, tag.find('-')));
    if (p == "arb") return "ar";
    if (p == "cmn" || p == "yue") return "zh";
    return p;
}

}  // namespace

VoiceCheck voice_check(std::string_view voice, std::string_view language)
{
    using Level = VoiceCheck::Level;
    const std::string expected =
        "expected one of Twilio's <Say> voices: man, woman, Polly.NAME (such as Polly.Joanna or "
        "Polly.Joanna-Neural) or Google.VOICE (such as Google.en-US-Standard-C)";
    if (voice == "man" || voice == "woman") return {};
    if (voice == "alice")
        return {Level::warning, "alice is no longer in Twilio's <Say> reference (only on its older text-to-speech "
                                "page); use Polly.Joanna, woman or man"};
    if (std::string_view name = polly_name(voice); !name.empty()) {
        const PollyVoice *known = polly_voice(name);
        if (!known || language.empty()) return {};
        if (primary(language) == primary(known->language) || (!known->also.empty() && primary(language) == primary(known->also)))
            return {};
        return {Level::error, std::string(voice) + " speaks " + std::string(known->language) + ", not " +
                                  std::string(language) + ": leave language out (the voice sets it) or choose a voice "
                                  "for " + std::string(language)};
    }
    if (std::string_view own = google_language(voice); !own.empty()) {
        if (language.empty() || ascii_iequal(language, own)) return {};
        return {Level::error, std::string(voice) + " speaks " + std::string(own) + ", not " + std::string(language) +
                                  ": leave language out (the voice sets it) or choose a voice for " +
                                  std::string(language)};
    }
    return {Level::error, expected};
}

bool voice_speaks_its_own(std::string_view voice) { return !polly_name(voice).empty() || !google_language(voice).empty(); }

std::string voice_for_language(std::string_view language)
{
    const PollyVoice *same_language = nullptr;
    for (const auto &v : polly_voices) {
        if (ascii_iequal(v.language, language)) return std::string(polly_prefix) + std::string(v.name);
        if (!same_language && primary(v.language) == primary(language)) same_language = &v;
    }
    if (same_language) return std::string(polly_prefix) + std::string(same_language->name);
    return std::string(default_voice);
}

std::string spoken_language(std::string_view voice, std::string_view language)
{
    if (!language.empty()) return std::string(language);
    if (std::string_view own = google_language(voice); !own.empty()) return std::string(own);
    if (const PollyVoice *known = polly_voice(polly_name(voice))) return std::string(known->language);
    return "en-US";
}

}  // namespace pdcf
