#include "xml.hpp"

#include <libxml/xpathInternals.h>

XmlDoc::XmlDoc(const std::string &text)
{
    doc_ = xmlReadMemory(text.data(), static_cast<int>(text.size()), "twiml.xml", nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc_) {
        const xmlError *e = xmlGetLastError();
        error_ = e && e->message ? e->message : "not well-formed";
    }
}

XmlDoc::~XmlDoc()
{
    if (doc_) xmlFreeDoc(doc_);
}

std::string XmlDoc::eval(const std::string &xpath) const
{
    if (!doc_) return "<not parsed: " + error_ + ">";
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc_);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(reinterpret_cast<const xmlChar *>(xpath.c_str()), ctx);
    std::string out;
    if (obj) {
        xmlChar *s = xmlXPathCastToString(obj);
        out = reinterpret_cast<const char *>(s);
        xmlFree(s);
        xmlXPathFreeObject(obj);
    }
    xmlXPathFreeContext(ctx);
    return out;
}

std::vector<std::string> XmlDoc::all(const std::string &xpath) const
{
    std::vector<std::string> out;
    if (!doc_) return out;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc_);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(reinterpret_cast<const xmlChar *>(xpath.c_str()), ctx);
    if (obj && obj->nodesetval) {
        for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
            xmlChar *s = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
            out.emplace_back(s ? reinterpret_cast<const char *>(s) : "");
            xmlFree(s);
        }
    }
    if (obj) xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return out;
}
