#!/usr/bin/env bash
# A CI job as a team would write it against oms: load the day's orders, price
# a client's request, trade it, record an extra fill under an operation id.
# Written to be rerun after a failure or by mistake: every step is a natural
# no-op or carries an operation id, so a second run changes nothing. No jq:
# JSON is read with node. Needs OMS_BIN (path to bin/oms.js) and OMS_STATE.
set -euo pipefail

: "${OMS_BIN:?set OMS_BIN to the path of bin/oms.js}"
: "${OMS_STATE:?set OMS_STATE to the state file}"

oms() { node "$OMS_BIN" "$@"; }

# Prints one field of the JSON document on stdin: json_field trade.total
json_field() {
  node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk));
    process.stdin.on("end", () => {
      let value = JSON.parse(text);
      for (const key of process.argv[1].split(".")) value = value[key];
      process.stdout.write(String(value));
    });
  ' "$1"
}

# The requirement document's four orders plus one of the desk's own
# (--quiet drops notices; the results themselves go to /dev/null).
oms --quiet add 1 JPM Buy 20 20 >/dev/null
oms --quiet add 2 GOOG Sell 12 25 >/dev/null
oms --quiet add 3 AMZN Sell 7 10 >/dev/null
oms --quiet add 4 JPM Buy 10 21 >/dev/null
oms --quiet add 5 GOOG Sell 8 24.5 --source "desk-ci" >/dev/null

# Quote under an op id, so a rerun gets the same quote back (a fresh price
# would differ once the quote has traded).
quote=$(oms --json --op-id "ci-quote-acme-1" quote JPM buy 22 --client acme)
total=$(printf '%s' "$quote" | json_field total)
if [ "$total" != "442" ]; then
  echo "unexpected quote for JPM buy 22: $total" >&2
  exit 1
fi
quote_id=$(printf '%s' "$quote" | json_field quoteId)

# Trading the quote has the natural op id quote:<id>: a rerun is a replay.
trade=$(oms --json trade --quote "$quote_id")
trade_total=$(printf '%s' "$trade" | json_field trade.total)
replayed=$(printf '%s' "$trade" | json_field replayed)

# A plain trade is not naturally idempotent: it carries an op id.
fill=$(oms --json --op-id "ci-fill-bob-1" trade GOOG sell 14 --client bob)
fill_total=$(printf '%s' "$fill" | json_field trade.total)

# A correction that is a no-op the second time round.
oms --quiet remove 3 >/dev/null

echo "quote=$quote_id total=$trade_total replayed=$replayed fill=$fill_total"
