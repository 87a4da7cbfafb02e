// twilio-node signs the end-to-end tests' webhook requests: the second of
// two independent signers (tests/e2e/harness.py; the first is Debian's
// python3-twilio).  One process serves a whole suite: a JSON request per
// line on standard input, a JSON answer per line on standard output.
//
//   {"token", "url", "params": [[name, value], ...], "settings", "legacy"}
//   -> {"signature", "algorithm", "url", "accepted"}  or  {"error"}
//
// `settings`: an X-Twilio-Webhooks-Signature-Settings value, or "" for
// none; the algorithm is the one twilio-node reads from it.  `legacy`:
// sign the "legacy querystring" form of the URL, as Twilio's back end
// sometimes does.  `url`: the URL signed.  `accepted`: whether
// twilio.validateRequest takes the signature for the URL as requested,
// the SDK's own word that what was signed is something it accepts.
"use strict";

const querystring = require("querystring");
const readline = require("readline");
const twilio = require("twilio");

// twilio-node's withLegacyQuerystring (not exported) over the WHATWG form
// of the URL, as validateRequest builds it.
function legacyForm(url) {
  const normalized = new URL(url).toString();
  const q = normalized.indexOf("?");
  if (q === -1 || q === normalized.length - 1) return normalized;
  return normalized.slice(0, q) + "?" + querystring.stringify(querystring.parse(normalized.slice(q + 1)));
}

function answer(request) {
  // A repeated name is an array, as Express gives it to the SDK.
  const params = Object.create(null);
  for (const [name, value] of request.params) {
    params[name] = name in params ? [].concat(params[name], value) : value;
  }
  const algorithm = twilio.getSignatureAlgorithm(request.settings || "");
  const url = request.legacy ? legacyForm(request.url) : request.url;
  const signature = twilio.getExpectedTwilioSignature(request.token, url, params, algorithm);
  const accepted = twilio.validateRequest(request.token, signature, request.url, params, algorithm);
  return { signature, algorithm, url, accepted };
}

readline.createInterface({ input: process.stdin, terminal: false }).on("line", (line) => {
  let out;
  try {
    out = answer(JSON.parse(line));
  } catch (e) {
    out = { error: String((e && e.message) || e) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
