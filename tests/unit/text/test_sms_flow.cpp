#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "files.hpp"
#include "text/sms_flow.hpp"
#include "xml.hpp"

using namespace pdcf;

namespace {

using nlohmann::json;

Route route(std::string routing_key = "RKEY")
{
    Route r;
    r.name = "ops";
    r.number = "+14155550100";
    r.target = "PEP1";
    r.call.title = "Platform";
    r.call.routing_key = std::move(routing_key);
    return r;
}

TextMessage text(std::string body = "the db is down", std::string from = "+14155559876")
{
    return {"SM0001", std::move(from), "+14155550100", std::move(body), {}};
}

Snapshot two_levels()
{
    Snapshot s;
    s.levels = {{1, {{"Ada Lovelace", "+14155550101"}, {"Grace Hopper", "+14155550102"}}},
                {2, {{"Cy Young", "+14155550103"}}}};
    return s;
}

Snapshot level_of(std::size_t people)
{
    Snapshot s;
    s.levels.push_back({1, {}});
    for (std::size_t i = 0; i < people; ++i)
        s.levels[0].callees.push_back({"P" + std::to_string(i), "+1415555" + std::to_string(1000 + i)});
    return s;
}

// The numbers texted, and the messages back to the sender.
std::vector<std::string> texted(const XmlDoc &x) { return x.all("/Response/Message/@to"); }
std::vector<std::string> replies(const XmlDoc &x) { return x.all("/Response/Message[not(@to)]"); }

Config menu_config()
{
    Config c;
    Route ops = route(), db = route();
    db.name = "db";
    db.call.title = "Database Team";
    c.routes = {ops, db};
    Menu m;
    m.name = "main";
    m.entries = {{'1', "ops"}, {'2', "db"}, {'0', ""}};
    m.call.title = "Main";
    m.call.routing_key = "MKEY";
    c.menus.push_back(m);
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sms)

BOOST_AUTO_TEST_CASE(text_message_reads_twilios_parameters)
{
    Params p = {{"MessageSid", "SM123"}, {"AccountSid", "AC1"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                {"Body", "disk full"},   {"NumMedia", "2"},    {"MediaUrl0", "https://api.twilio.com/m/0"},
                {"MediaContentType0", "image/jpeg"}, {"MediaUrl1", "https://api.twilio.com/m/1"}};
    TextMessage m = text_message(p);
    BOOST_TEST(m.sid == "SM123");
    BOOST_TEST(m.from == "+14155559876");
    BOOST_TEST(m.to == "+14155550100");
    BOOST_TEST(m.body == "disk full");
    BOOST_TEST(m.media == (std::vector<std::string>{"https://api.twilio.com/m/0", "https://api.twilio.com/m/1"}));

    TextMessage empty = text_message({});
    BOOST_TEST(empty.sid.empty());
    BOOST_TEST(empty.body.empty());
    BOOST_TEST(empty.media.empty());
}

BOOST_AUTO_TEST_CASE(menu_entry_by_key_route_name_or_title)
{
    Config c = menu_config();
    const Menu &m = c.menus[0];
    auto key_of = [&](const std::string &body) {
        const MenuEntry *e = text_menu_entry(c, m, body);
        return e ? e->key : '-';
    };
    BOOST_TEST(key_of("2 the site is down") == '2');
    BOOST_TEST(key_of("2") == '2');
    BOOST_TEST(key_of("2. help") == '2');
    BOOST_TEST(key_of("db: replication stopped") == '2');
    BOOST_TEST(key_of("DB replication stopped") == '2');
    BOOST_TEST(key_of("database team, please call") == '2');
    BOOST_TEST(key_of("Platform is down") == '1');
    BOOST_TEST(key_of("PLATFORM") == '1');
    BOOST_TEST(key_of("ops: help") == '1');
    BOOST_TEST(key_of("   2 leading spaces") == '2');
    BOOST_TEST(key_of("\n\t platform") == '1');
    BOOST_TEST(text_menu_entry(c, m, "1 x")->route == "ops");
}

BOOST_AUTO_TEST_CASE(menu_entry_needs_a_whole_word_at_the_start)
{
    Config c = menu_config();
    const Menu &m = c.menus[0];
    for (const char *body : {"20 servers are down", "dbx is down", "platforms", "opsec question", "database",
                             "hello, 2 is down", "the platform is down", "", "   "})
        BOOST_TEST(!text_menu_entry(c, m, body), body);
    // 0 is the menu's voicemail: no route to forward a text to.
    BOOST_TEST(!text_menu_entry(c, m, "0 call me"));
}

BOOST_AUTO_TEST_CASE(forward_to_everyone_at_level_one)
{
    FlowResult r = sms_forward(route(), text(), two_levels());
    XmlDoc x(r.twiml);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(r.outcome == Outcome::forwarded);
    BOOST_TEST(r.level == 1);
    BOOST_TEST(r.reason.empty(), r.reason);
    BOOST_TEST(r.dialed == (std::vector<std::string>{"+14155550101", "+14155550102"}));
    BOOST_TEST(texted(x) == (std::vector<std::string>{"+14155550101", "+14155550102"}));
    BOOST_TEST(x.all("/Response/Message") ==
               (std::vector<std::string>(2, "Text to the Platform line from +14155559876: the db is down")));
    // No sms_reply: the sender gets nothing back, and no alert without sms_alert.
    BOOST_TEST(replies(x).empty());
    BOOST_TEST(!r.alert);
}

BOOST_AUTO_TEST_CASE(forwarded_text_is_escaped)
{
    const std::string body = "a < b & \"c\" </Message><Message to=\"+19005550000\">pay</Message>";
    FlowResult r = sms_forward(route(), text(body), two_levels());
    XmlDoc x(r.twiml);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/Message)") == "2");
    BOOST_TEST(x.eval("string(/Response/Message[1])") == "Text to the Platform line from +14155559876: " + body);
    BOOST_TEST(r.twiml.find("&lt;/Message&gt;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(golden_forward_with_a_reply)
{
    Route r = route();
    r.call.sms_reply = "Thanks. {name} on the {title} line will see it.";
    check_golden("sms-forward.xml", sms_forward(r, text(), two_levels()).twiml);
}

BOOST_AUTO_TEST_CASE(reply_fills_the_names_it_went_to)
{
    Route r = route();
    r.call.sms_reply = "Sent to {name} ({first_name}) on {title}.";
    FlowResult f = sms_forward(r, text(), two_levels());
    XmlDoc x(f.twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("name(/Response/*[last()])") == "Message");
    BOOST_TEST(x.eval("count(/Response/*[last()]/@to)") == "0");  // the reply comes last
    BOOST_TEST(replies(x) == std::vector<std::string>{"Sent to Ada Lovelace and Grace Hopper (Ada and Grace) on Platform."});
}

BOOST_AUTO_TEST_CASE(no_reply_to_a_withheld_number)
{
    Route r = route();
    r.call.sms_reply = "Thanks.";
    for (const char *from : {"anonymous", "", "+266696687"}) {
        FlowResult f = sms_forward(r, text("help", from), two_levels());
        XmlDoc x(f.twiml);
        BOOST_REQUIRE(x.ok());
        BOOST_TEST(replies(x).empty(), from);
        BOOST_TEST(texted(x).size() == 2u, from);
    }
    // And a sender without a number is named as such.
    XmlDoc x(sms_forward(r, text("help", ""), two_levels()).twiml);
    BOOST_TEST(x.eval("string(/Response/Message[1])") == "Text to the Platform line from an unknown number: help");
}

BOOST_AUTO_TEST_CASE(at_most_ten_messages_with_the_reply)
{
    static_assert(limits::max_sms_messages == 10);
    Route r = route();
    FlowResult f = sms_forward(r, text(), level_of(11));
    XmlDoc x(f.twiml);
    BOOST_TEST(x.eval("count(/Response/Message)") == "10");
    BOOST_TEST(texted(x).size() == 10u);
    BOOST_TEST(f.dialed.size() == 10u);
    BOOST_TEST(f.reason == "1 more at level 1 not texted (at most 10 messages)");

    r.call.sms_reply = "Thanks.";
    f = sms_forward(r, text(), level_of(11));
    XmlDoc y(f.twiml);
    BOOST_TEST(y.eval("count(/Response/Message)") == "10");
    BOOST_TEST(texted(y).size() == 9u);
    BOOST_TEST(replies(y) == std::vector<std::string>{"Thanks."});
    BOOST_TEST(f.reason == "2 more at level 1 not texted (at most 10 messages)");

    // Exactly room for everyone: nothing said.
    f = sms_forward(r, text(), level_of(9));
    BOOST_TEST(XmlDoc(f.twiml).eval("count(/Response/Message)") == "10");
    BOOST_TEST(f.reason.empty(), f.reason);
}

BOOST_AUTO_TEST_CASE(the_lowest_level_with_someone_to_text)
{
    Snapshot s = two_levels();
    s.levels[0].callees.clear();  // nobody at level 1 has a number
    s.problem = "Ada Lovelace (PU1) has no usable SMS or phone contact method";
    FlowResult f = sms_forward(route(), text(), s);
    BOOST_TEST(f.outcome == Outcome::forwarded);
    BOOST_TEST(f.level == 2);
    BOOST_TEST(f.dialed == std::vector<std::string>{"+14155550103"});
    BOOST_TEST(f.reason == s.problem);
}

BOOST_AUTO_TEST_CASE(never_texts_the_called_number)
{
    Snapshot s = two_levels();
    s.levels[0].callees[0].number = "+14155550100";  // the team's own Twilio number
    FlowResult f = sms_forward(route(), text(), s);
    BOOST_TEST(f.dialed == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.reason == "Ada Lovelace's phone is the called number itself; skipped");

    s.levels[0].callees.pop_back();
    f = sms_forward(route(), text(), s);
    BOOST_TEST(f.level == 2);
    BOOST_TEST(f.dialed == std::vector<std::string>{"+14155550103"});
}

BOOST_AUTO_TEST_CASE(never_texts_another_lines_number)
{
    // Grace's phone is the db line: a text there comes back to this
    // program, which would text her again, and again.
    Route r = route();
    r.lines = {{"+14155550100", "route:ops"}, {"+14155550102", "route:db"}};
    FlowResult f = sms_forward(r, text(), two_levels());
    BOOST_TEST(f.dialed == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.reason == "Grace Hopper's phone is the number of this program's [route:db]; skipped");
}

BOOST_AUTO_TEST_CASE(a_text_from_a_line_is_not_answered)
{
    FlowResult f = sms_from_line({"+14155550111", "route:db"});
    BOOST_TEST(f.outcome == Outcome::ignored);
    BOOST_TEST(f.twiml.find("<Message") == std::string::npos);
    BOOST_TEST(!f.alert.has_value());
}

BOOST_AUTO_TEST_CASE(never_texts_the_sender_their_own_words)
{
    // Grace, on call, texts the line (or answers a forwarded text).
    FlowResult f = sms_forward(route(), text("on it", "+14155550102"), two_levels());
    BOOST_TEST(f.dialed == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.reason == "the sender is on call; not sent back to them");
    // Alone at level 1: the next level gets it.
    Snapshot s = two_levels();
    s.levels[0].callees.erase(s.levels[0].callees.begin());
    f = sms_forward(route(), text("on it", "+14155550102"), s);
    BOOST_TEST(f.level == 2);
    BOOST_TEST(f.dialed == std::vector<std::string>{"+14155550103"});
}

BOOST_AUTO_TEST_CASE(nobody_to_text_replies_and_alerts)
{
    Snapshot nobody;
    nobody.problem = "nobody is on call for escalation policy PEP1";
    FlowResult f = sms_forward(route(), text(), nobody);
    check_golden("sms-unavailable.xml", f.twiml);
    XmlDoc x(f.twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(f.outcome == Outcome::unavailable);
    BOOST_TEST(f.dialed.empty());
    BOOST_TEST(texted(x).empty());
    BOOST_TEST(replies(x) == std::vector<std::string>{
                                 "Sorry, nobody on call could be reached just now. Your message has been passed on as an alert."});
    BOOST_TEST(f.reason == "nobody is on call for escalation policy PEP1");
    // Raised whether or not sms_alert is set: the text reached nobody.
    BOOST_TEST_REQUIRE(f.alert.has_value());
    BOOST_TEST((f.alert->kind == AlertKind::text));
    BOOST_TEST(f.alert->call_sid == "SM0001");
    json e = json::parse(f.alert->body);
    BOOST_TEST(e["payload"]["custom_details"]["problem"] == "nobody is on call for escalation policy PEP1");
    BOOST_TEST(e["payload"]["custom_details"]["forwarded_to"] == json::array());
}

BOOST_AUTO_TEST_CASE(nobody_to_text_without_routing_key)
{
    Snapshot nobody;
    FlowResult f = sms_forward(route(""), text(), nobody);
    XmlDoc x(f.twiml);
    BOOST_TEST(f.outcome == Outcome::unavailable);
    BOOST_TEST(f.reason == "nobody to text");
    BOOST_TEST(!f.alert);
    BOOST_TEST(replies(x) ==
               std::vector<std::string>{"Sorry, nobody on call could be reached just now. Please try again in a few minutes."});
}

BOOST_AUTO_TEST_CASE(nobody_to_text_when_pagerduty_failed)
{
    Snapshot failed;
    failed.oncalls_failed = true;
    failed.problem = "GET /oncalls: HTTP 500 (Internal Server Error)";
    FlowResult f = sms_forward(route(), text(), failed);
    BOOST_TEST(f.outcome == Outcome::unavailable);
    BOOST_TEST(f.reason == "pagerduty: GET /oncalls: HTTP 500 (Internal Server Error)");
    BOOST_TEST(f.alert.has_value());

    // A custom text, and none to a withheld number (the alert still goes).
    Route r = route();
    r.call.sms_unavailable = "The {title} line is unstaffed.";
    XmlDoc x(sms_forward(r, text(), failed).twiml);
    BOOST_TEST(replies(x) == std::vector<std::string>{"The Platform line is unstaffed."});
    f = sms_forward(r, text("x", "anonymous"), failed);
    BOOST_TEST(XmlDoc(f.twiml).eval("count(/Response/*)") == "0");
    BOOST_TEST(f.alert.has_value());
}

BOOST_AUTO_TEST_CASE(sms_alert_raises_a_text_alert)
{
    Route r = route();
    r.call.sms_alert = true;
    TextMessage m = text();
    m.media = {"https://api.twilio.com/m/0"};
    FlowResult f = sms_forward(r, m, two_levels());
    BOOST_TEST(f.outcome == Outcome::forwarded);
    BOOST_TEST_REQUIRE(f.alert.has_value());
    BOOST_TEST((f.alert->kind == AlertKind::text));
    BOOST_TEST(f.alert->call_sid == "SM0001");
    BOOST_TEST(f.alert->routing_key == "RKEY");
    json e = json::parse(f.alert->body);
    BOOST_TEST(e["dedup_key"] == "SM0001");
    BOOST_TEST(e["routing_key"] == "RKEY");
    BOOST_TEST(e["payload"]["summary"] == "Text on Platform line from +14155559876: \"the db is down\"");
    BOOST_TEST(e["payload"]["class"] == "text");
    const json &d = e["payload"]["custom_details"];
    BOOST_TEST(d["sender"] == "+14155559876");
    BOOST_TEST(d["called"] == "+14155550100");
    BOOST_TEST(d["route"] == "ops");
    BOOST_TEST(d["message_sid"] == "SM0001");
    BOOST_TEST(d["text"] == "the db is down");
    BOOST_TEST(d["media"] == json::array({"https://api.twilio.com/m/0"}));
    BOOST_TEST(d["forwarded_to"] == json::array({"Ada Lovelace", "Grace Hopper"}));
    BOOST_TEST(!d.contains("problem"));

    // Nowhere to send it without a routing key.
    Route quiet = route("");
    quiet.call.sms_alert = true;
    BOOST_TEST(!sms_forward(quiet, m, two_levels()).alert);
}

BOOST_AUTO_TEST_CASE(attachments_are_mentioned_not_forwarded)
{
    TextMessage m = text("see photo");
    m.media = {"https://api.twilio.com/m/0"};
    XmlDoc one(sms_forward(route(), m, two_levels()).twiml);
    BOOST_TEST(one.eval("string(/Response/Message[1])") ==
               "Text to the Platform line from +14155559876: see photo [1 attachment not forwarded]");
    m.media.push_back("https://api.twilio.com/m/1");
    XmlDoc two(sms_forward(route(), m, two_levels()).twiml);
    BOOST_TEST(two.eval("string(/Response/Message[1])") ==
               "Text to the Platform line from +14155559876: see photo [2 attachments not forwarded]");
}

BOOST_AUTO_TEST_CASE(custom_forward_text)
{
    Route r = route();
    r.call.sms_forward = "[{title}] {text} ({caller})";
    XmlDoc x(sms_forward(r, text("{title} stays", "+14155559876"), two_levels()).twiml);
    BOOST_TEST(x.eval("string(/Response/Message[1])") == "[Platform] {title} stays (+14155559876)");
}

BOOST_AUTO_TEST_CASE(long_text_is_cut_but_the_alert_has_it_all)
{
    Route r = route();
    r.call.sms_alert = true;
    r.call.sms_forward = "{text}";
    const std::string body(2000, 'x');
    FlowResult f = sms_forward(r, text(body), two_levels());
    XmlDoc x(f.twiml);
    BOOST_TEST(x.eval("string(/Response/Message[1])") == std::string(1599, 'x'));
    BOOST_TEST(f.reason == "text cut to 1599 characters");
    BOOST_TEST_REQUIRE(f.alert.has_value());
    BOOST_TEST(json::parse(f.alert->body)["payload"]["custom_details"]["text"] == body);
}

BOOST_AUTO_TEST_CASE(every_text_sent_back_is_under_1600_characters)
{
    // Not only forwards: the confirmation, the refusal and the unavailable
    // text are <Message> bodies too, and may be long once filled in.
    const std::string long_title(1700, 't');
    Route r = route();
    r.call.title = long_title;
    r.call.sms_reply = "Thanks from {title}.";
    r.call.rejected_message = "Not on {title}.";
    r.call.sms_unavailable = "Nobody on {title}.";
    std::vector<std::string> sent = replies(XmlDoc(sms_forward(r, text("hi"), two_levels()).twiml));
    FlowResult refused = sms_refused(r, text(), {CallerVerdict::refused, "the caller is not in allow_callers"});
    for (const auto &m : replies(XmlDoc(refused.twiml))) sent.push_back(m);
    for (const auto &m : replies(XmlDoc(sms_forward(r, text("hi"), Snapshot{}).twiml))) sent.push_back(m);
    BOOST_TEST(sent.size() == 3u);
    for (const auto &m : sent) BOOST_TEST(m.size() == limits::max_sms_length);
}

BOOST_AUTO_TEST_CASE(unrouted_text_to_a_menu_says_how_to_choose)
{
    Config c = menu_config();
    FlowResult f = sms_unrouted(c, c.menus[0], text("hello"));
    BOOST_TEST(f.outcome == Outcome::unrouted);
    BOOST_TEST(replies(XmlDoc(f.twiml)) ==
               std::vector<std::string>{"Your message has been passed on as an alert. To reach a team directly, start "
                                        "your text with 1 for Platform, 2 for Database Team."});
    BOOST_TEST_REQUIRE(f.alert.has_value());
    BOOST_TEST(json::parse(f.alert->body)["routing_key"] == "MKEY");

    c.menus[0].call.routing_key.clear();
    f = sms_unrouted(c, c.menus[0], text("hello"));
    BOOST_TEST(!f.alert);
    BOOST_TEST(replies(XmlDoc(f.twiml)) ==
               std::vector<std::string>{"To reach a team directly, start your text with 1 for Platform, 2 for Database Team."});
}

BOOST_AUTO_TEST_CASE(refused_and_blocked_senders)
{
    Route r = route();
    r.call.rejected_message = "The {title} line does not take your texts.";
    FlowResult f = sms_refused(r, text(), {CallerVerdict::blocked, "the caller is in block_callers"});
    BOOST_TEST(f.outcome == Outcome::blocked);
    BOOST_TEST(f.reason == "the caller is in block_callers");
    BOOST_TEST(XmlDoc(f.twiml).eval("count(/Response/*)") == "0");

    f = sms_refused(r, text(), {CallerVerdict::refused, "the caller is not in allow_callers"});
    BOOST_TEST(f.outcome == Outcome::refused);
    BOOST_TEST(replies(XmlDoc(f.twiml)) == std::vector<std::string>{"The Platform line does not take your texts."});
    BOOST_TEST(!f.alert);

    f = sms_refused(r, text("x", "anonymous"), {CallerVerdict::refused, "anonymous caller, and allow_anonymous is off"});
    BOOST_TEST(f.outcome == Outcome::refused);
    BOOST_TEST(XmlDoc(f.twiml).eval("count(/Response/*)") == "0");
}

BOOST_AUTO_TEST_SUITE_END()
