// Test helper: parse TwiML with libxml2, a real XML parser, and query it
// with XPath.  A document that is not well-formed fails the test.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <libxml/parser.h>
#include <libxml/xpath.h>

class XmlDoc {
public:
    explicit XmlDoc(const std::string &text);
    ~XmlDoc();
    XmlDoc(const XmlDoc &) = delete;
    XmlDoc &operator=(const XmlDoc &) = delete;

    bool ok() const { return doc_ != nullptr; }
    const std::string &error() const { return error_; }
    // The string value of an XPath expression, e.g. "string(/Response/Say)"
    // or "count(//Number)".
    std::string eval(const std::string &xpath) const;
    // The text of every node matching `xpath`, in document order.
    std::vector<std::string> all(const std::string &xpath) const;

private:
    xmlDocPtr doc_ = nullptr;
    std::string error_;
};
