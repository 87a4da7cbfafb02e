// Every limit pd-call-forward enforces, in one place.  Input over a limit
// is rejected with a clear status or error, never truncated.
#pragma once

#include <chrono>
#include <cstddef>

namespace pdcf::limits {

// A voice webhook body is about 2 KiB; 64 KiB leaves room for every
// parameter Twilio may add and still bounds what one request can cost.
constexpr std::size_t max_body = 64 * 1024;

// An oversized body is read and dropped up to this much, so the web server
// sees a clean FastCGI exchange and passes our 413 on; beyond it we stop.
constexpr std::size_t max_body_drain = 1024 * 1024;

// Parameters in one query string or form body (Twilio sends about 30).
constexpr std::size_t max_params = 256;

// One parameter's name or value, decoded.  Twilio's longest are a text
// message's Body (1,600 characters) and a voicemail's TranscriptionText.
constexpr std::size_t max_param_length = 16 * 1024;

// Each CGI variable read from the server (QUERY_STRING, REQUEST_URI,
// HTTP_HOST, the signature header...).  A GET webhook carries all of
// Twilio's parameters in its query: about 3 KiB.
constexpr std::size_t max_request_variable = 16 * 1024;

// X-Twilio-Signature is Base64 of a SHA-1 digest (28 bytes), or of a
// SHA-256 one (44) when a Webhook Setting signs with a shared key.
constexpr std::size_t max_signature_header = 128;

// X-Twilio-Webhooks-Signature-Settings, `key=<SharedKey id>,algorithm=...`:
// about 70 bytes.
constexpr std::size_t max_signature_settings = 256;

// One PagerDuty response body.
constexpr std::size_t max_pagerduty_response = 2 * 1024 * 1024;

// Seconds of Retry-After (or ratelimit-reset) believed from a 429; a longer
// wait counts as this long, which no request budget fits anyway.
constexpr int max_retry_after = 3600;

// PagerDuty's largest page size for /oncalls.
constexpr int oncall_page_limit = 100;

// Pages of /oncalls followed for one lookup (1,000 entries).
constexpr int max_oncall_pages = 10;

// Twilio rings at most 10 <Number> nouns in one <Dial>.
constexpr std::size_t max_dial_numbers = 10;

// The names of those already tried, carried in the hunt's own URLs for the
// missed-call alert: enough for any real policy, bounded so a URL stays
// short.  More are dropped and a longer name is cut (they are only shown).
constexpr std::size_t max_tried_names = 20;
constexpr std::size_t max_tried_name = 80;

// Every URL written for Twilio to request (callbacks, actions): under
// nginx's default request-line buffer (large_client_header_buffers 4 8k)
// and Apache's LimitRequestLine (8190), with room for the method and
// version, so no web server answers 414 mid-call.  The names of those
// tried go first when a URL would be longer (they are only shown); then
// the numbers, which Twilio's own From and To carry on most requests.
constexpr std::size_t max_callback_url = 4096;

// The caller's number in the screen's URL (only with caller_id): a phone
// number, or at most a SIP address; a longer From is cut.
constexpr std::size_t max_caller_in_url = 256;
// An engineer's name in the screen's URLs (for the call's alert), cut to
// this many bytes.
constexpr std::size_t max_name_in_url = 128;
// A caller's calls counted in one repeat_window (and caller_limit's most).
constexpr int max_caller_calls = 100000;
// The CallSids kept per window: a later call is counted, and its own
// status callback then cannot find its window (its alert stands alone).
constexpr int max_repeat_calls_kept = 100;
constexpr int max_caller_limit = 1000;
// reason_max_length: long enough for a name and a sentence, short enough
// not to keep the on-call from the phone.
constexpr int min_reason_length = 3;
constexpr int max_reason_length = 60;
// The caller's recorded reason's URL in callback URLs (ask_reason).
constexpr std::size_t max_reason_url = 512;
// repeat_window: up to a day, in seconds.
constexpr int max_repeat_window = 86400;

// The config file and each secret file.
constexpr std::size_t max_config_file = 256 * 1024;
constexpr std::size_t max_secret_file = 4 * 1024;

// A cache entry file; a bigger one is not ours and counts as no entry.
constexpr std::size_t max_cache_entry = 1024 * 1024;

// A spool file's name is the CallSid (34 characters) cut to this many
// letters and digits.
constexpr std::size_t max_spool_name = 64;

// One spooled alert's file: an event is a few KiB, and the Events API takes
// at most 512 KB; a larger file is not ours and is not sent.
constexpr std::size_t max_spool_file = 512 * 1024;

// Spooled alerts looked at in one pass, so a flood cannot stall a request;
// the rest wait for the next pass.
constexpr std::size_t max_spool_listed = 1000;

// Entries of spool_dir or cache_dir left unread (a link, another user's
// file) are named in the log once per process, at most this many.
constexpr std::size_t max_noted_entries = 100;

// Twilio waits 15 s in all for our answer (REFERENCE: budget); the
// PagerDuty budget must leave room for the rest of the request.
constexpr std::chrono::milliseconds max_pagerduty_timeout{12000};
constexpr std::chrono::milliseconds min_pagerduty_timeout{100};

// How long an address found for PagerDuty's host is used before it is
// looked up again.  The lookup runs in the background: the address known
// goes on being used meanwhile, and for as long as no lookup succeeds.
constexpr std::chrono::seconds dns_refresh{60};

// Once a request to PagerDuty failed outright (time-out, refused or reset,
// 5xx) after keeping a call that had more than half its budget waiting at
// least pagerduty_costly_failure (or half the budget, if less), calls stop
// waiting for it for pagerduty_down_for seconds from the last such
// failure: one call at a time keeps asking, and its first answer ends the
// wait (README: A burst of callers).  A failure that came faster kept
// nobody waiting; an answer, however slow, is no failure.
constexpr std::chrono::milliseconds pagerduty_costly_failure{1000};
constexpr long pagerduty_down_for = 30;

// X-Request-Start, set by the shipped web server configs, says when the
// web server took the request; the time it then waited for a free worker
// counts against the budget.  A time further ahead of our clock than this,
// or a wait longer than the other limit, means the clocks disagree (or a
// proxy set the header): it is not believed, and the whole budget applies.
// Twilio has hung up after 15 s anyway.
constexpr std::chrono::milliseconds max_request_start_ahead{1000};
constexpr std::chrono::milliseconds max_queue_wait{30000};

// However long a call queued, it keeps this much of the budget (all of it,
// when the budget is shorter): enough for a healthy PagerDuty to answer
// on a kept-alive connection, so a burst while PagerDuty is fine still
// reaches the on-call, and little next to Twilio's 15 s.  While PagerDuty
// counts as down, only one call at a time spends it.
constexpr std::chrono::milliseconds min_budget_after_queue{1000};

// Twilio's <Dial timeout> range.
constexpr int min_dial_timeout = 5;
constexpr int max_dial_timeout = 600;

// How many times the hunt may go round an escalation policy.
constexpr int max_loops = 9;

// Seconds the engineer has to press a key when screened.
constexpr int min_screen_timeout = 3;
constexpr int max_screen_timeout = 60;

// Twilio's <Record maxLength> range, in seconds.
constexpr int min_voicemail_length = 5;
constexpr int max_voicemail_length = 3600;

// Seconds a missed-call alert from the status callback waits for the
// call's own last request (missed_call_wait): long enough for Twilio's
// retries of that request, short enough that, with the flush timer's
// minute, the alert is out within two minutes of the call's end.
constexpr int min_missed_call_wait = 5;
constexpr int max_missed_call_wait = 60;

// Seconds a voicemail alert waits for its transcription
// (transcription_wait).
constexpr int min_transcription_wait = 10;
constexpr int max_transcription_wait = 300;

// Events API v2: summary length, dedup_key length.
constexpr std::size_t max_alert_summary = 1024;
constexpr std::size_t max_dedup_key = 255;

// Cache lifetimes, in seconds.
constexpr long max_oncall_ttl = 3600;
constexpr long max_contact_ttl = 7 * 86400;
constexpr long max_stale = 30 * 86400;
constexpr long max_refresh_idle = 90 * 86400;

// Refreshing ahead of expiry.  A worker's refresh thread looks at every
// route this often: the finest step of its timing, well under the
// shortest lead (refresh_lead).
constexpr std::chrono::milliseconds refresh_tick{500};
// After a refresh failed, the thread leaves that route to the calls (which
// still ask, or take the last answer) for this long, so a PagerDuty that
// fails is not asked again every tick by every worker.
constexpr std::chrono::seconds refresh_retry{30};
// How often `--refresh` is meant to run (the shipped timer, the README's
// cron line): it refreshes what falls due before its next run as well.
constexpr long refresh_every = 30;
// A call marks the routes it used (a file's time in cache_dir) at most this
// often per process, so the warm path stays free of writes.
constexpr long wanted_mark_every = 3600;
// What a worker's refresh thread keeps to say until the next request
// writes it to the log; past it, the lines are dropped.
constexpr std::size_t max_refresh_log = 16 * 1024;

// Numbers or prefixes in one allow_callers or block_callers list: a list
// is checked on every call, and a longer one belongs in Twilio's own
// blocking, not a config file.
constexpr std::size_t max_caller_list = 1000;

// A menu repeats its prompt at most this many times (menu_retries), and
// waits menu_timeout seconds for a key.
constexpr int max_menu_retries = 5;
constexpr int min_menu_timeout = 1;
constexpr int max_menu_timeout = 60;

// Twilio sends at most 10 <Message> verbs of one answer, and a body "must
// be less than 1600 characters", counted in UTF-16 units: every text we
// send is cut to fit at a character boundary (the whole text goes in the
// alert).
constexpr std::size_t max_sms_messages = 10;
constexpr std::size_t max_sms_length = 1599;

// Opening hours (hours.hpp): time ranges in one `hours` key; how many days
// ahead --check looks for the next change (a year, and a holiday season).
constexpr std::size_t max_hours_ranges = 50;
constexpr int max_hours_lookahead = 400;

// A holidays_file (holidays.hpp): its size, and how far a recurring event
// is followed: up to this many days of it, none after the year.  A rule
// without an end (every 24 December) stops there, with a warning only if
// it had more days to give before that year.
constexpr std::size_t max_holidays_file = 1024 * 1024;
constexpr int max_holiday_occurrences = 1000;
constexpr int holidays_until_year = 2100;
// Days set from one file, counting each occurrence's days: bounds the
// time a file of long repeating events takes to read.
constexpr long max_holiday_days = 100000;

// --check --ahead: at most this far, as GET /oncalls documents "On-call
// shifts are limited to 90 days in the future".
constexpr long max_readiness_ahead = 90 * 86400;

// A recording's URL (greeting_audio, ...): room for a signed link.
constexpr std::size_t max_audio_url = 2048;

// Contact-method requests in flight at once for one call.
constexpr std::size_t max_parallel_requests = 4;

// The shared counters of /metrics (counters.hpp): series in all, and the
// bytes of one series' name and labels.  The series are bounded by the
// configuration (a route's calls by outcome), a few hundred at most; the
// file is 256 KiB.
constexpr std::size_t max_series = 1024;
constexpr std::size_t max_series_name = 239;

// The call history (journal.hpp): history_max, the journal and its older
// half together, and one record; a longer one is not written.
constexpr std::size_t min_history = 64 * 1024;
constexpr std::size_t max_history = 1024 * 1024 * 1024;
constexpr std::size_t max_history_record = 2048;
// --calls --since: how far back, at most (seconds).
constexpr long long max_calls_since = 366LL * 86400;

}  // namespace pdcf::limits
