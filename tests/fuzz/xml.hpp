// libxml2, a real XML parser, as the judge of every document we write:
// Twilio rejects TwiML that is not well-formed, and the caller hears an
// error instead of the on-call engineer.
#pragma once

#include <string>

#include <libxml/parser.h>
#include <libxml/tree.h>

namespace fuzz {

// The document, or nullptr when it is not well-formed.  Never touches the
// network and prints nothing.
inline xmlDocPtr xml_read(const std::string &text)
{
    static const bool ready = (xmlInitParser(), true);
    (void)ready;
    return xmlReadMemory(text.data(), static_cast<int>(text.size()), "fuzz.xml", nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

inline bool xml_well_formed(const std::string &text)
{
    xmlDocPtr doc = xml_read(text);
    if (!doc) return false;
    xmlFreeDoc(doc);
    return true;
}

// The value of attribute `name` of the root element, or its text content
// when `name` is null; false when `text` is not well-formed.
inline bool xml_root_value(const std::string &text, const char *name, std::string &value)
{
    xmlDocPtr doc = xml_read(text);
    if (!doc) return false;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlChar *v = !root ? nullptr
                 : name ? xmlGetProp(root, reinterpret_cast<const xmlChar *>(name))
                        : xmlNodeGetContent(root);
    value = v ? reinterpret_cast<const char *>(v) : "";
    xmlFree(v);
    xmlFreeDoc(doc);
    return true;
}

}  // namespace fuzz
