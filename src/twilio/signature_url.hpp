// The URLs a Twilio signature may cover, given the URL a request came to.
// Twilio's back end does not always sign the URL exactly as it requests
// it, so the official SDKs try a few forms of it; these are the forms
// twilio-node's validateRequest tries (twilio-python tries the first two).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pdcf {

// Every form to try, each at most once: the URL as received first, which
// is what Twilio signs for a URL without a port, and for one with a port
// except on HTTPS voice webhooks (those it signs without the port: the
// next form); then the forms twilio-node tries, in its order:
//   the URL as received, without its port and with the default port;
//   its WHATWG serialisation (`new URL(url).toString()`), the same two ways;
//   that serialisation with the query re-encoded the "legacy querystring"
//   way, the same two ways.
// Never more than six, and the URL as received is always among them.
std::vector<std::string> signature_url_variants(std::string_view url);

// The same forms, one at a time, until `matches` says yes; whether one
// did.  A form is only made when those before it did not match: a request
// signed as received costs no URL parsing.
bool signature_url_find(std::string_view url, const std::function<bool(const std::string &)> &matches);

// What `new URL(url).toString()` gives for an http or https URL: scheme and
// host in lower case, a default port dropped, an empty path made "/",
// backslashes in the path made '/', and the characters the WHATWG URL
// standard percent-encodes in path, query and fragment encoded.  nullopt
// for another scheme or a URL Node would refuse (a bad port).  Not done,
// since the URLs Twilio is given have none: dot segments, IDNA and IPv4 or
// IPv6 address forms.
std::optional<std::string> signature_url_normalised(std::string_view url);

// The URL with its query decoded and encoded again as Node's `querystring`
// module does (twilio-node's withLegacyQuerystring): nullopt when the query
// does not decode (form.hpp).
std::optional<std::string> signature_url_legacy(std::string_view url);

}  // namespace pdcf
