// PagerDuty's Events API v2 (POST /v2/enqueue): which events it accepts,
// and the alerts accepted events open and update. Rules follow PagerDuty's
// OpenAPI file for the Events API and its documented limits.
#include "standin.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <random>

namespace standin {

namespace {

struct ActionName {
    EventAction action;
    const char *name;
};

const ActionName action_names[] = {
    {EventAction::trigger, "trigger"},
    {EventAction::acknowledge, "acknowledge"},
    {EventAction::resolve, "resolve"},
};

const char *const severities[] = {"critical", "error", "warning", "info"};

const char *action_name(EventAction action)
{
    for (const auto &entry : action_names)
        if (action == entry.action) return entry.name;
    return "unknown";
}

// Characters, not bytes: PagerDuty's limits count what a person reads.
// The parser has already rejected ill-formed UTF-8.
std::size_t utf8_length(const std::string &text)
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// PagerDuty makes up a 32-hex-digit key for a trigger that brings none.
std::string new_dedup_key()
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random()),
                  static_cast<unsigned long long>(random()));
    return text;
}

// Collects what is wrong with one event, a sentence per problem.
class Problems {
public:
    void add(const std::string &sentence) { sentences_.push_back(sentence); }
    bool any() const { return !sentences_.empty(); }
    std::vector<std::string> take() { return std::move(sentences_); }

    // A field that must be a non-empty string of at most `max_chars`
    // (0: no limit). Returns it, or "" after noting the problem.
    std::string required_string(const Json &object, const char *key, const std::string &where,
                                std::size_t max_chars = 0)
    {
        const std::string name = where + key;
        if (!object.contains(key)) {
            add(name + " is missing.");
            return {};
        }
        const Json &value = object[key];
        if (!value.is_string() || value.get<std::string>().empty()) {
            add(name + " must be a non-empty string.");
            return {};
        }
        if (!within(value, name, max_chars)) return {};
        return value.get<std::string>();
    }

    // An optional string field; null counts as absent, as clients that
    // serialise an unset field as null expect.
    void optional_string(const Json &object, const char *key, const std::string &where)
    {
        if (object.contains(key) && !object[key].is_null() && !object[key].is_string())
            add(where + key + " must be a string.");
    }

    // `links` and `images`: arrays of objects, each with `required` a string.
    void attachments(const Json &event, const char *key, const char *required,
                     std::initializer_list<const char *> optional_keys)
    {
        if (!event.contains(key) || event[key].is_null()) return;
        const Json &list = event[key];
        if (!list.is_array()) {
            add(std::string(key) + " must be an array.");
            return;
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string where = std::string(key) + "[" + std::to_string(i) + "].";
            if (!list[i].is_object()) {
                add(std::string(key) + "[" + std::to_string(i) + "] must be an object.");
                continue;
            }
            required_string(list[i], required, where);
            for (const char *optional : optional_keys) optional_string(list[i], optional, where);
        }
    }

    bool within(const Json &value, const std::string &name, std::size_t max_chars)
    {
        const std::size_t length = utf8_length(value.get<std::string>());
        if (max_chars == 0 || length <= max_chars) return true;
        add(name + " is " + std::to_string(length) + " characters long; the limit is " +
            std::to_string(max_chars) + ".");
        return false;
    }

private:
    std::vector<std::string> sentences_;
};

std::optional<EventAction> check_action(const Json &event, Problems &problems)
{
    if (!event.contains("event_action")) {
        problems.add("event_action is missing.");
        return std::nullopt;
    }
    const Json &value = event["event_action"];
    for (const auto &entry : action_names)
        if (value.is_string() && value.get<std::string>() == entry.name) return entry.action;
    problems.add("event_action must be trigger, acknowledge or resolve, not " + value.dump() + ".");
    return std::nullopt;
}

void check_routing_key(const Json &event, const std::vector<std::string> &routing_keys, Problems &problems)
{
    const std::string key = problems.required_string(event, "routing_key", "");
    if (key.empty() || routing_keys.empty()) return;
    if (std::find(routing_keys.begin(), routing_keys.end(), key) == routing_keys.end())
        problems.add("routing_key \"" + key + "\" is not an integration key this stand-in knows.");
}

// The key the event names, or "" when it names none or a bad one.
std::string check_dedup_key(const Json &event, std::optional<EventAction> action, Problems &problems)
{
    if (!event.contains("dedup_key") || event["dedup_key"].is_null()) {
        // Only a trigger can do without: PagerDuty then makes a key up.
        if (action && *action != EventAction::trigger)
            problems.add(std::string("dedup_key is required to ") + action_name(*action) + " an alert.");
        return {};
    }
    return problems.required_string(event, "dedup_key", "", limits::max_dedup_key_chars);
}

void check_payload(const Json &event, Problems &problems)
{
    if (!event.contains("payload")) {
        problems.add("payload is required for a trigger event.");
        return;
    }
    const Json &payload = event["payload"];
    if (!payload.is_object()) {
        problems.add("payload must be a JSON object.");
        return;
    }
    const std::string where = "payload.";
    problems.required_string(payload, "summary", where, limits::max_summary_chars);
    problems.required_string(payload, "source", where);
    if (!payload.contains("severity")) {
        problems.add("payload.severity is missing.");
    } else {
        const Json &severity = payload["severity"];
        const bool known = severity.is_string() && std::find(std::begin(severities), std::end(severities),
                                                             severity.get<std::string>()) != std::end(severities);
        if (!known) problems.add("payload.severity must be critical, error, warning or info, not " + severity.dump() + ".");
    }
    for (const char *key : {"timestamp", "component", "group", "class"}) problems.optional_string(payload, key, where);
    // custom_details may be any JSON at all.
}

}  // namespace

EventCheck check_event(const Json &doc, const std::vector<std::string> &routing_keys)
{
    EventCheck check;
    if (doc.is_discarded()) {
        check.errors.push_back("The body is not valid JSON.");
        return check;
    }
    if (!doc.is_object()) {
        check.errors.push_back("The event must be a JSON object.");
        return check;
    }

    Problems problems;
    check_routing_key(doc, routing_keys, problems);
    const std::optional<EventAction> action = check_action(doc, problems);
    std::string dedup_key = check_dedup_key(doc, action, problems);
    // PagerDuty reads the payload of a trigger only.
    if (action == EventAction::trigger) check_payload(doc, problems);
    problems.attachments(doc, "links", "href", {"text"});
    problems.attachments(doc, "images", "src", {"href", "alt"});
    problems.optional_string(doc, "client", "");
    problems.optional_string(doc, "client_url", "");

    if (problems.any()) {
        check.errors = problems.take();
        return check;
    }
    if (dedup_key.empty()) dedup_key = new_dedup_key();
    check.event = Event{doc, *action, std::move(dedup_key)};
    return check;
}

void EventLog::accept(const Event &event, long long received_ms)
{
    Json kept = event.body;
    kept["received_ms"] = received_ms;
    if (events_.size() == limits::max_recorded_events) events_.pop_front();
    events_.push_back(std::move(kept));

    auto found = alert_by_key_.find(event.dedup_key);
    const bool open = found != alert_by_key_.end() && std::string(found->second->status) != "resolved";
    if (!open) {
        // PagerDuty accepts an acknowledge or resolve for an alert it does
        // not have (or has resolved), and does nothing with it; a trigger
        // of a resolved alert's key opens a new alert.
        if (event.action != EventAction::trigger) return;
        if (alerts_.size() == limits::max_recorded_events) {
            auto oldest = alert_by_key_.find(alerts_.front().dedup_key);
            if (oldest != alert_by_key_.end() && oldest->second == alerts_.begin()) alert_by_key_.erase(oldest);
            alerts_.pop_front();
        }
        alerts_.push_back(Alert{event.dedup_key, event.body, "triggered", 0});
        alert_by_key_[event.dedup_key] = std::prev(alerts_.end());
        found = alert_by_key_.find(event.dedup_key);
    }

    Alert &alert = *found->second;
    ++alert.event_count;
    const std::string status = alert.status;
    switch (event.action) {
    case EventAction::trigger:
        // A trigger adds to an open alert as is: its summary stays.
        break;
    case EventAction::acknowledge:
        if (status == "triggered") alert.status = "acknowledged";
        break;
    case EventAction::resolve:
        alert.status = "resolved";
        break;
    }
}

Json EventLog::events() const
{
    Json all = Json::array();
    for (const auto &event : events_) all.push_back(event);
    return all;
}

Json EventLog::alerts() const
{
    Json all = Json::array();
    for (const auto &alert : alerts_) {
        const Json &payload = alert.trigger["payload"];
        Json entry = Json::object();
        entry["dedup_key"] = alert.dedup_key;
        entry["routing_key"] = alert.trigger["routing_key"];
        entry["status"] = alert.status;
        entry["summary"] = payload["summary"];
        entry["severity"] = payload["severity"];
        entry["source"] = payload["source"];
        entry["custom_details"] = payload.contains("custom_details") ? payload["custom_details"] : Json(nullptr);
        const bool has_links = alert.trigger.contains("links") && alert.trigger["links"].is_array();
        entry["links"] = has_links ? alert.trigger["links"] : Json::array();
        entry["events"] = alert.event_count;
        all.push_back(std::move(entry));
    }
    return all;
}

void EventLog::clear()
{
    events_.clear();
    alerts_.clear();
    alert_by_key_.clear();
}

}  // namespace standin
