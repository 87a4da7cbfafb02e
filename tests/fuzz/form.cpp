// form_decode reads every byte a caller controls before the signature is
// even checked (the query string and the POST body), so it must take any
// input; what it accepts must also survive a round trip through the
// encoder the call flow uses for its own URLs.
#include <cstddef>
#include <cstdint>

#include "core/escape.hpp"
#include "core/form.hpp"
#include "core/limits.hpp"
#include "support.hpp"

using namespace pdcf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto r = form_decode(fuzz::as_text(data, size));
    if (!r) {
        // An error never comes with half a result.
        fuzz::require(r.value_or({}).empty());
        return 0;
    }
    fuzz::require(r->size() <= limits::max_params);
    std::string again;
    for (const Param &p : *r) {
        fuzz::require(p.name.size() <= limits::max_param_length && p.value.size() <= limits::max_param_length);
        again += (again.empty() ? "" : "&") + url_component(p.name) + "=" + url_component(p.value);
    }
    // Our own encoding of what was decoded decodes to the same thing.
    auto back = form_decode(again);
    fuzz::require(static_cast<bool>(back) && back->size() == r->size());
    for (std::size_t i = 0; i < r->size(); ++i)
        fuzz::require((*back)[i].name == (*r)[i].name && (*back)[i].value == (*r)[i].value);
    return 0;
}
