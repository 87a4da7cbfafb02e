// The ceiling for this architecture: a libfcgi program that answers every
// request at once with a fixed TwiML document, behind the same nginx.
// pd-call-forward's benchmark is read against it.
#include <string>

#include <fcgiapp.h>

int main(int argc, char **argv)
{
    // --log: one line per request on FCGI_STDERR, as pd-call-forward
    // writes, so nginx's error log costs both the same.
    const bool log = argc > 1 && std::string(argv[1]) == "--log";
    const std::string line = "hello: method=POST path=/voice status=200 outcome=ok\n";
    const std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response/>\n";
    const std::string answer = "Status: 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
    FCGX_Init();
    FCGX_Request req;
    FCGX_InitRequest(&req, 0, 0);
    char buf[4096];
    while (FCGX_Accept_r(&req) >= 0) {
        // Read the body as pd-call-forward does.
        while (FCGX_GetStr(buf, sizeof buf, req.in) > 0) {
        }
        FCGX_PutStr(answer.data(), static_cast<int>(answer.size()), req.out);
        if (log) FCGX_PutStr(line.data(), static_cast<int>(line.size()), req.err);
        FCGX_Finish_r(&req);
    }
    return 0;
}
