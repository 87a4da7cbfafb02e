"""Twilio placing one call, as its documentation describes it.

Written from Twilio's TwiML reference and changelog, not from what
pd-call-forward expects (the quotes are in the comments), so a scenario
that walks a call through it tests the program against Twilio's
behaviour:

- <Dial> with several <Number>s rings them together; "the first call to
  pick up is connected to the current call and the rest are hung up", and
  "a cellphone in airplane mode ... may pick up after a single ring".
  Each phone has an answer time; the earliest wins, the others are
  canceled.  Twilio adds about 5 s to `timeout`.
- A <Number url> runs on the callee's leg after it answers and before the
  two are joined; only <Say>, <Play>, <Gather>, <Hangup> are allowed
  there.  Its requests carry ParentCallSid and To.  When it hangs up, the
  <Dial> ends completed with DialBridged=false.  Whose number their From
  is, the documentation does not say: the walk sends the line's own
  number, so nothing may take it for the caller's.
- With `action`, Twilio requests it when the <Dial> (or <Record>, or
  <Gather>) is over, and verbs after it are never reached.
- <Reject> keeps a call unanswered only as the first verb of the call.
- The number's status callback "is now asynchronous ... The final call
  status callback event will now be emitted as soon as the call ends"
  (TwiML changelog 2024-03-20): it may come before the call's last action
  request, or after it.  Both orders are walked.
- "By default, silent recordings are saved"; the recording status
  callback reports completed or failed and carries no From/To; the
  transcription comes only for recordings longer than 2 s and shorter
  than 120 s.
- An invalid voice inside <Gather> makes Twilio fail the document.

Where the documentation is silent (whether the <Dial> action is requested
when the caller hangs up while it rings), the walk takes both ways as a
parameter.  Times are virtual: nothing waits.
"""

import itertools
import urllib.parse
import xml.etree.ElementTree as ET

from harness import check, twilio_request

ACCOUNT = "AC00000000000000000000000000000001"
# Twilio adds about this much to a <Dial timeout> before giving up.
DIAL_GRACE = 5
# A <Say> is spoken at about this many words a second.
WORDS_PER_SECOND = 2.5

_child_sids = itertools.count(1)


class Phone:
    """A phone dialed by a <Number>: whether and when it picks up, and what
    is done at the screen (`keys`: the digit pressed at each <Gather> in
    turn, "" for none)."""

    def __init__(self, kind, answer_after=None, keys=""):
        self.kind, self.answer_after, self.keys = kind, answer_after, keys

    def __repr__(self):
        return f"Phone({self.kind}, {self.answer_after})"


def person(after=8, keys="1"):
    """Someone who picks up after `after` seconds and accepts."""
    return Phone("person", after, keys)


def voicemail_box(after=20):
    """A personal voicemail: picks up after several rings, presses nothing."""
    return Phone("voicemail", after, "")


def phone_off(after=3):
    """Off or in airplane mode: the carrier's voicemail after one ring."""
    return Phone("off", after, "")


def no_answer():
    """Rings until the <Dial> gives up."""
    return Phone("no-answer", None, "")


class Caller:
    """What the caller does: hang up after `hang_up_after` seconds (None:
    not before the end), press `keys` at menu prompts, speak a message of
    `message` seconds at the beep (0: silence), talk `talk` seconds once
    put through.  Asked why they call ("... why you are calling"), they
    speak `reason` seconds (0: silence), or press `reason_key`."""

    def __init__(self, hang_up_after=None, keys=(), message=20, talk=60, reason=4, reason_key=""):
        self.hang_up_after = hang_up_after
        self.keys = list(keys)
        self.message = message
        self.talk = talk
        self.reason = reason
        self.reason_key = reason_key


class Ring:
    """One phone's ringing in one <Dial>."""

    def __init__(self, number, start, end, outcome):
        self.number, self.start, self.end, self.outcome = number, start, end, outcome

    def seconds(self):
        return self.end - self.start

    def __repr__(self):
        return f"Ring({self.number} {self.outcome} {self.start:.0f}-{self.end:.0f}s)"


class CallEnded(Exception):
    """The caller hung up."""


class TwilioCall:
    """One inbound call to `to` from `frm`, walked from the incoming webhook
    to the end, with each request signed as Twilio signs it.

    `status_url`: the number's "call status changes" webhook (None: not
    set).  `status_first`: the final status callback comes before the
    call's last action request (else after it).  `dial_action_on_hangup`:
    whether a <Dial> the caller hangs up on (ringing, or once bridged) still
    requests its action: the documentation does not say.
    `recording_first`: the recording's callback before its transcription
    (both asynchronous; the order is not documented either).
    `reason_ready_first`: a <Record> the call goes on from (the caller's
    reason) has its recording callback sent before its action, else only
    once the call is over (asynchronous: either may happen)."""

    def __init__(self, voice_url, to, frm, phones, caller=None, sid=None, status_url=None, status_first=True,
                 dial_action_on_hangup=True, recording_first=True, send=None, reason_ready_first=True):
        self.voice_url = voice_url
        self.to, self.frm = to, frm
        self.phones = phones
        self.caller = caller or Caller()
        self.sid = sid
        self.status_url = status_url
        self.status_first = status_first
        self.dial_action_on_hangup = dial_action_on_hangup
        self.recording_first = recording_first
        self.reason_ready_first = reason_ready_first
        self.late = []                 # asynchronous callbacks sent once the call is over
        self.send = send or twilio_request
        self.t = 0.0
        self.answered = False          # the call has been answered (billed)
        self.rejected = False
        self.verbs_run = 0             # verbs of the whole call so far
        self.rings = []                # every Ring, in order
        self.bridged_to = None         # the number the caller was put through to
        self.message = None            # seconds of the message left, if any
        self.heard = []                # what the caller heard said, in order
        self.whispered = []            # (number, what its screen's <Gather> played and said)
        self.requests = []             # (path, params) in the order sent
        self.violations = []           # what Twilio would not do, or would fail
        self.final = []                # the requests the call's end sends, before they go

    # --- requests ---------------------------------------------------------

    def base_params(self, **extra):
        p = {"CallSid": self.sid, "AccountSid": ACCOUNT, "From": self.frm, "To": self.to,
             "CallStatus": "in-progress", "ApiVersion": "2010-04-01", "Direction": "inbound",
             "Caller": self.frm, "Called": self.to, "ForwardedFrom": "", "CallerName": "",
             "ParentCallSid": "", "CallToken": ""}
        p.update(extra)
        return p

    def request(self, url, params, expect_twiml=True):
        r = self.send(url, params)
        path = urllib.parse.urlsplit(url).path
        self.requests.append((path, params))
        check(r.status == 200, f"{path}: HTTP {r.status} {r.body}")
        if not expect_twiml:
            return None
        try:
            return ET.fromstring(r.body)
        except ET.ParseError as e:
            raise AssertionError(f"{path}: Twilio cannot parse the answer ({e}): {r.body!r}")

    # --- the walk -----------------------------------------------------------

    def run(self):
        doc = self.request(self.voice_url, self.base_params(CallStatus="ringing"))
        try:
            while doc is not None:
                doc = self.execute(doc)
            # The document ran out without a <Hangup>: Twilio hangs up.
            self.end_call(None)
        except CallEnded:
            pass
        return self

    def hangs_up_within(self, seconds):
        """When the caller hangs up within the next `seconds`, else None."""
        h = self.caller.hang_up_after
        if h is not None and h <= self.t + seconds:
            return max(h, self.t)
        return None

    def speak(self, text):
        self.heard.append(text)
        seconds = len((text or "").split()) / WORDS_PER_SECOND
        at = self.hangs_up_within(seconds)
        if at is not None:
            self.t = at
            self.end_call(None)
        self.t += seconds

    def check_voice(self, say, where):
        voice = say.get("voice", "")
        ok = (voice in ("", "man", "woman", "alice") or voice.startswith("Polly.") or voice.startswith("Google."))
        if not ok:
            self.violations.append(f"{where}: invalid <Say voice={voice!r}>: Twilio fails the document")

    def execute(self, doc):
        """Runs one document; returns the next one (an action's answer) or
        None when the call is over."""
        check(doc.tag == "Response", f"not a TwiML document: {doc.tag}")
        for verb in list(doc):
            first = self.verbs_run == 0
            self.verbs_run += 1
            if verb.tag == "Say":
                self.check_voice(verb, "Say")
                self.answered = True
                self.speak(verb.text)
            elif verb.tag == "Gather":
                nxt = self.gather(verb)
                if nxt is not None:
                    return nxt
            elif verb.tag == "Dial":
                return self.dial(verb, first)
            elif verb.tag == "Record":
                return self.record(verb)
            elif verb.tag == "Hangup":
                self.end_call(None)
            elif verb.tag == "Reject":
                if not first or self.answered:
                    self.violations.append("<Reject> after the call was answered: Twilio has picked up (and bills it)")
                    self.end_call(None)
                self.rejected = True
                self.end_call(None, status="busy" if verb.get("reason") == "busy" else "no-answer")
            elif verb.tag == "Pause":
                self.answered = True
                self.t += int(verb.get("length", "1"))
            elif verb.tag == "Redirect":
                return self.request(urllib.parse.urljoin(self.voice_url, verb.text.strip()), self.base_params())
            else:
                self.violations.append(f"unknown verb <{verb.tag}>")
        return None

    def gather(self, g):
        """The caller's menu: a key from Caller.keys, or none."""
        self.answered = True
        action = g.get("action")
        if not action:
            self.violations.append("<Gather> without action: Twilio requests the current URL again")
        for say in g.findall("Say"):
            self.check_voice(say, "Gather/Say")
        for say in g.findall("Say"):
            self.speak(say.text)
        key = self.caller.keys.pop(0) if self.caller.keys else ""
        if not key:
            self.t += int(g.get("timeout", "5"))
            if self.hangs_up_within(0) is not None:
                self.end_call(None)
        if key == "#" and g.get("finishOnKey", "#") == "#":
            key = ""  # '#' ends the input: no digits
        if key or g.get("actionOnEmptyResult") == "true":
            extra = {"Digits": key}
            if key:
                extra["FinishedOnKey"] = ""
            return self.request(action, self.base_params(**extra))
        return None

    def dial(self, d, first):
        # answerOnBridge keeps the call unanswered until the bridge only as
        # the first verb of the call; otherwise Twilio answers it now.
        if not (first and d.get("answerOnBridge") == "true"):
            self.answered = True
        action = d.get("action")
        window = int(d.get("timeout", "30")) + DIAL_GRACE
        numbers = [n for n in d.findall("Number")]
        start = self.t
        # Who picks up first; everyone else is hung up at that moment.
        candidates = []
        for i, n in enumerate(numbers):
            phone = self.phones.get(n.text, no_answer())
            if phone.answer_after is not None and phone.answer_after < window:
                candidates.append((phone.answer_after, i, n, phone))
        candidates.sort(key=lambda c: (c[0], c[1]))
        pickup = candidates[0] if candidates else None
        ring_end = start + (pickup[0] if pickup else window)

        hang = self.hangs_up_within(ring_end - start)
        if hang is not None:
            # The caller gives up while it rings: every phone is canceled.
            self.t = hang
            for n in numbers:
                self.rings.append(Ring(n.text, start, hang, "canceled"))
            extra = {"DialCallStatus": "canceled" if self.answered else "no-answer", "DialCallDuration": "0",
                     "DialBridged": "false", "CallStatus": "completed"}
            self.end_call(action if self.dial_action_on_hangup else None, **extra)
        if pickup is None:
            self.t = ring_end
            for n in numbers:
                self.rings.append(Ring(n.text, start, ring_end, "no-answer"))
            return self.dial_over(action, "no-answer", False)
        _, index, number, phone = pickup
        self.t = ring_end
        for i, n in enumerate(numbers):
            if i != index:
                self.rings.append(Ring(n.text, start, ring_end, "canceled"))
        bridged = self.screen(number, phone, d)
        self.rings.append(Ring(number.text, start, ring_end, "accepted" if bridged else "declined"))
        if not bridged:
            return self.dial_over(action, "completed", False)
        self.answered = True
        self.bridged_to = number.text
        # They talk; then the caller hangs up, which ends the call.
        self.t += self.caller.talk
        # <Dial record="record-from-answer...">: the recording is ready
        # after the call, its callback asynchronous; its CallSid "always
        # refers to the parent leg of a two-leg call" (TwiML <Recording>).
        later = []
        if d.get("record", "do-not-record").startswith("record-from") and d.get("recordingStatusCallback"):
            later.append((d.get("recordingStatusCallback"),
                          {"CallSid": self.sid, "AccountSid": ACCOUNT, "RecordingStatus": "completed",
                           "RecordingSid": "RE" + self.sid[2:], "RecordingSource": "DialVerb",
                           "RecordingChannels": "2" if d.get("record").endswith("-dual") else "1",
                           "RecordingDuration": str(self.caller.talk),
                           "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE{self.sid[2:]}"}))
        self.end_call(action if self.dial_action_on_hangup else None, later=later, DialCallStatus="completed",
                      DialBridged="true", CallStatus="completed", DialCallDuration=str(self.caller.talk))

    def dial_over(self, action, status, bridged):
        if not action:
            return None  # on to the next verb: not ours to model, we always set action
        return self.request(action, self.base_params(DialCallStatus=status, DialBridged="true" if bridged else "false",
                                                     DialCallSid="CA%032d" % next(_child_sids),
                                                     DialCallDuration="0"))

    def screen(self, number, phone, dial):
        """The callee's leg after it picked up: its <Number url> TwiML, on
        that leg.  True when the two are joined."""
        url = number.get("url")
        if not url:
            return True
        leg = {"CallSid": "CA%032d" % next(_child_sids), "ParentCallSid": self.sid, "AccountSid": ACCOUNT,
               "From": self.to, "To": number.text, "CallStatus": "in-progress",
               "Direction": "outbound-dial", "ApiVersion": "2010-04-01"}
        doc = self.request(url, leg)
        keys = phone.keys
        while doc is not None:
            nxt = None
            for verb in list(doc):
                if verb.tag not in ("Say", "Play", "Gather", "Hangup", "Pause"):
                    self.violations.append(f"<{verb.tag}> on the callee's leg: only Say, Play, Gather, Hangup")
                if verb.tag == "Hangup":
                    return False
                if verb.tag == "Gather":
                    for say in verb.findall("Say"):
                        self.check_voice(say, "screen Gather/Say")
                    # What the engineer hears, in order: ("Play", url) or ("Say", text).
                    self.whispered.append((number.text, [(v.tag, (v.text or "").strip()) for v in verb
                                                         if v.tag in ("Say", "Play")]))
                    pressed, keys = keys[:1], keys[1:]
                    if pressed or verb.get("actionOnEmptyResult") == "true":
                        nxt = self.request(verb.get("action"), dict(leg, Digits=pressed))
                        break
            if nxt is None:
                return True  # the leg's document ran out: the two are joined
            doc = nxt
        return True

    def record_reason(self, r):
        """Asked why they call: the caller speaks Caller.reason seconds, and
        `timeout` seconds of silence end the recording (or a key does);
        Twilio requests the action and the call goes on with its answer."""
        action = r.get("action")
        if not action:
            self.violations.append("<Record> without action: Twilio requests the current URL again")
            return None
        said = min(self.caller.reason, int(r.get("maxLength", "3600")))
        if self.caller.reason_key:
            said = 0
        at = self.hangs_up_within(said)
        self.t += said if at is None else at - self.t
        rec = {"RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RW{self.sid[2:]}",
               "RecordingDuration": str(said), "RecordingSid": "RW" + self.sid[2:]}
        if at is not None:
            self.end_call(action, Digits="hangup", CallStatus="completed", **rec)
        if not self.caller.reason_key:
            self.t += int(r.get("timeout", "5"))
        if r.get("recordingStatusCallback"):
            ready = (r.get("recordingStatusCallback"),
                     {"CallSid": self.sid, "AccountSid": ACCOUNT, "RecordingStatus": "completed",
                      "RecordingChannels": "1", "RecordingSource": "RecordVerb", **rec})
            if self.reason_ready_first:
                self.request(ready[0], ready[1], expect_twiml=False)
            else:
                self.late.append(ready)
        return self.request(action, self.base_params(Digits=self.caller.reason_key, **rec))

    def record(self, r):
        """The caller speaks Caller.message seconds after the beep, then
        hangs up; Twilio then requests the action, the recording's status
        callback and, when asked and possible, the transcription."""
        if self.heard and "why you are calling" in (self.heard[-1] or ""):
            return self.record_reason(r)
        self.answered = True
        action = r.get("action")
        if not action:
            self.violations.append("<Record> without action: Twilio requests the current URL again")
        said = self.caller.message or 0
        if self.caller.hang_up_after is not None:
            said = max(0, min(said, self.caller.hang_up_after - self.t))
        max_length = int(r.get("maxLength", "3600"))
        said = min(said, max_length)
        self.t += said
        # Silence is kept unless trimmed: a second of it at least.
        seconds = said if (said or r.get("trim") == "trim-silence") else 1
        self.message = said
        rec = {"RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE{self.sid[2:]}",
               "RecordingDuration": str(seconds), "RecordingSid": "RE" + self.sid[2:]}
        later = []
        if r.get("recordingStatusCallback"):
            later.append((r.get("recordingStatusCallback"),
                          {"CallSid": self.sid, "AccountSid": ACCOUNT, "RecordingStatus": "completed",
                           "RecordingChannels": "1", "RecordingSource": "RecordVerb", **rec}))
        if r.get("transcribe") == "true" and r.get("transcribeCallback") and 2 < seconds < 120:
            later.append((r.get("transcribeCallback"),
                          self.base_params(CallStatus="completed", TranscriptionSid="TR" + self.sid[2:],
                                           TranscriptionStatus="completed",
                                           TranscriptionText="The payment service is returning errors for everyone",
                                           TranscriptionUrl="https://api.twilio.com/t",
                                           RecordingSid=rec["RecordingSid"], RecordingUrl=rec["RecordingUrl"])))
        if not self.recording_first:
            later.reverse()
        self.end_call(action, later=later, Digits="hangup", CallStatus="completed", **rec)

    def end_call(self, action, status=None, later=(), **extra):
        """The call is over: its last action request (if any) and the
        number's final status callback, in the order asked for, then the
        asynchronous recording callbacks.  Raises CallEnded."""
        if status is None:
            status = "completed" if self.answered else "no-answer"
        sends = []
        if action:
            sends.append(("action", action, self.base_params(**extra)))
        if self.status_url:
            status_params = self.base_params(CallStatus=status, CallDuration=str(int(self.t)),
                                             CallbackSource="call-progress-events", SequenceNumber="0")
            entry = ("status", self.status_url, status_params)
            if self.status_first:
                sends.insert(0, entry)
            else:
                sends.append(entry)
        for kind, url, params in sends:
            self.request(url, params, expect_twiml=kind == "action")
        for url, params in list(later) + self.late:
            self.request(url, params, expect_twiml=False)
        raise CallEnded()

    # --- what happened --------------------------------------------------------

    def rang(self, number):
        """This phone's rings, in order."""
        return [r for r in self.rings if r.number == number]

    def really_rang(self, number, seconds=15):
        """Whether this phone rang for real at least once: it picked up, or
        rang out, or rang `seconds` before another phone's pickup ended it."""
        return any(r.outcome != "canceled" or r.seconds() >= seconds for r in self.rang(number))

    def paths(self):
        return [p for p, _ in self.requests]
