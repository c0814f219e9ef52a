#!/usr/bin/env bash
# sqlmap (Debian's) against every place a request's text reaches SQL: list,
# search, sort, filter and paging parameters, a record id in the path, and
# the JSON bodies of creates and patches, signed in as a member with a
# session cookie and CSRF token like the browser.  Prints one "ok"/"not ok"
# line per target with the requests it sent; a target passes only when
# sqlmap finished it and reported nothing injectable.
#   tests/attacks/sqlmap.sh BASE_URL NGINX_ACCESS_LOG [LEVEL RISK]
# make test runs level 1, risk 1; SQLMAP_LEVEL=3 SQLMAP_RISK=2 (also cookies
# and headers, heavier payloads) takes minutes.
set -uo pipefail

base=${1:?base url}/api/v1
access_log=${2:?nginx access log}
level=${3:-${SQLMAP_LEVEL:-1}}
risk=${4:-${SQLMAP_RISK:-1}}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
json() { curl -s -f -b "$out/jar" -c "$out/jar" -H 'content-type: application/json' -H "x-csrf-token: ${csrf:-}" "$@"; }

# A member with a partner and a referral to aim at.
json -d "{\"email\":\"${ADMIN_EMAIL:-admin@test.example}\",\"password\":\"${ADMIN_PASSWORD:-admin-test-password}\"}" "$base/session" >"$out/admin.json" ||
    { echo "not ok - sqlmap: the admin cannot sign in"; exit 0; }
csrf=$(field csrfToken <"$out/admin.json")
email="sqlmap-$RANDOM$RANDOM@attack.example"
json -d "{\"email\":\"$email\",\"name\":\"Sqlmap Target\",\"role\":\"member\",\"password\":\"member-password-1\"}" "$base/users" >/dev/null ||
    { echo "not ok - sqlmap: no member could be made"; exit 0; }
rm -f "$out/jar"
csrf=
json -d "{\"email\":\"$email\",\"password\":\"member-password-1\"}" "$base/session" >"$out/member.json"
csrf=$(field csrfToken <"$out/member.json")
cookie=$(awk '$6 == "partnerships_session" {print $7}' "$out/jar")
partner=$(json -d '{"company":"Acme Sqlmap","contactName":"Pat","contactEmail":"pat@acme.example","type":"referral"}' "$base/partners" | field id)
json -d "{\"partnerId\":\"$partner\",\"direction\":\"inbound\",\"leadName\":\"Lee\"}" "$base/referrals" >/dev/null

run() {  # label, then sqlmap's target arguments
    local label=$1 before after log
    shift
    before=$(wc -l <"$access_log")
    log=$(timeout 900 sqlmap "$@" --cookie="partnerships_session=$cookie" -H "X-CSRF-Token: $csrf" \
        --batch --level="$level" --risk="$risk" --ignore-code=401 --flush-session --disable-coloring \
        --output-dir="$out/sqlmap" 2>&1)
    after=$(wc -l <"$access_log")
    if echo "$log" | grep -qiE 'identified the following injection point|parameter .* is vulnerable'; then
        echo "not ok - sqlmap: $label: injectable ($((after - before)) requests)"
        echo "$log" | grep -iE 'injection point|Parameter:|Type:|Payload:' | head -n 20
    elif echo "$log" | grep -q 'all tested parameters do not appear to be injectable'; then
        echo "ok - sqlmap: $label: nothing injectable ($((after - before)) requests)"
    else
        echo "not ok - sqlmap: $label: did not finish ($((after - before)) requests)"
        echo "$log" | grep -E 'CRITICAL|ERROR' | head -n 5
    fi
}

body='{"company":"Acme","contactName":"Pat","contactEmail":"pat@acme.example","type":"referral","status":"prospect","notes":"n","nextReview":"2027-01-01"}'
run "partner list: search, filters, sort, paging" -u "$base/partners?q=acme&status=prospect,active&tier=standard&nextReviewBefore=2030-01-01&sort=-revenueAttributed,company&limit=5&offset=0"
run "referral list: reference and enum filters" -u "$base/referrals?partnerId=$partner&direction=inbound&status=introduced&q=lee&sort=-dealValue"
run "CSV export" -u "$base/partners.csv?q=acme&sort=company&owner=me"
run "performance and board" -u "$base/performance?sort=-score&limit=10"
run "oplog feed" -u "$base/oplog?since=0&limit=10"
run "record id in the path" -u "$base/partners/$partner*"
run "create (JSON body)" -u "$base/partners" --method POST --data="$body" -H 'content-type: application/json'
run "patch (JSON body)" -u "$base/partners/$partner" --method PATCH --data='{"notes":"x","status":"active","tier":"premier"}' -H 'content-type: application/json'
run "referral create (JSON, numbers)" -u "$base/referrals" --method POST -H 'content-type: application/json' \
    --data="{\"partnerId\":\"$partner\",\"direction\":\"inbound\",\"leadName\":\"Lee\",\"dealValue\":10,\"status\":\"converted\"}"
