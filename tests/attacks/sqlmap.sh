#!/usr/bin/env bash
# sqlmap (Debian's) against every place a request's text reaches SQL: list,
# search, sort, filter and paging parameters, a record id in the path, and
# the JSON bodies of creates and patches, signed in as a member with a
# session cookie and CSRF token like the browser.  Prints one "ok"/"not ok"
# line per target with the requests it sent; a target passes only when
# sqlmap finished it, reported nothing injectable, and its requests were
# answered by the route itself: the nginx access log shows them (by sqlmap's
# User-Agent, on the target's path), at least one answered 2xx, and none 401
# at level 1 (which leaves the session cookie alone), or not all of them at
# higher levels.  The member's sign-in, session and records are checked
# first: a run whose session did not work would otherwise see only 401s,
# which sqlmap (told to ignore 401) reports as "not injectable".
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
json -d "{\"email\":\"$email\",\"password\":\"member-password-1\"}" "$base/session" >"$out/member.json" ||
    { echo "not ok - sqlmap: the member cannot sign in"; exit 0; }
csrf=$(field csrfToken <"$out/member.json" 2>/dev/null)
cookie=$(awk '$6 == "partnerships_session" {print $7}' "$out/jar")
# The cookie sqlmap is given, alone, must be the member's session.
me=$(curl -s -f -H "Cookie: partnerships_session=$cookie" "$base/me" | python3 -c 'import json, sys; print(json.load(sys.stdin)["user"]["email"])' 2>/dev/null)
if [ -z "$csrf" ] || [ -z "$cookie" ] || [ "$me" != "$email" ]; then
    given() { if [ -n "$1" ]; then echo given; else echo missing; fi; }
    echo "not ok - sqlmap: the member's session does not work (cookie $(given "$cookie"), CSRF token $(given "$csrf"), GET /me: ${me:-refused})"
    exit 0
fi
partner=$(json -d '{"company":"Acme Sqlmap","contactName":"Pat","contactEmail":"pat@acme.example","type":"referral"}' "$base/partners" | field id 2>/dev/null)
[ -n "$partner" ] || { echo "not ok - sqlmap: the member cannot create a partner"; exit 0; }
json -d "{\"partnerId\":\"$partner\",\"direction\":\"inbound\",\"leadName\":\"Lee\"}" "$base/referrals" >/dev/null ||
    { echo "not ok - sqlmap: the member cannot create a referral"; exit 0; }

# answers PATH FROM TO: "total 2xx 401" of sqlmap's requests on PATH (or
# below it) among the access log's lines FROM+1 to TO.
answers() {
    sed -n "$(($2 + 1)),$3p" "$access_log" | awk -F'"' -v path="$1" '
        $(NF - 1) ~ /sqlmap/ {
            split($2, request, " "); split($3, status, " ")
            if (index(request[2], path) != 1) next
            rest = substr(request[2], length(path) + 1)
            if (rest != "" && rest !~ /^[?\/%;)]/) next   # another route with this prefix
            total++
            if (status[1] ~ /^2/) ok++
            if (status[1] == 401) refused++
        }
        END { print total + 0, ok + 0, refused + 0 }'
}

sqlmap_once() {  # sqlmap's target arguments
    timeout 900 sqlmap "$@" --cookie="partnerships_session=$cookie" -H "X-CSRF-Token: $csrf" \
        --batch --level="$level" --risk="$risk" --ignore-code=401 --flush-session --disable-coloring \
        --output-dir="$out/sqlmap" 2>&1
}

injectable() { grep -qiE 'identified the following injection point|parameter .* is vulnerable'; }

run() {  # label, then sqlmap's target arguments (the first: -u URL)
    local label=$1 before after log first path total ok refused
    shift
    path=${2#"${base%/api/v1}"}
    path=${path%%\?*}
    path=${path%\*}
    before=$(wc -l <"$access_log")
    log=$(sqlmap_once "$@")
    # A create answers each request with a new id and timestamps, and echoes
    # the payload: sqlmap's boolean-based test, comparing such answers by
    # similarity, has called one "injectable" by chance.  A finding is
    # reported when a second run, from a fresh session, finds it again.
    if echo "$log" | injectable; then
        first=$log
        log=$(sqlmap_once "$@")
        echo "$log" | injectable || echo "# sqlmap: $label: a first run's finding not found again: $(echo "$first" | grep -m1 -iE 'Type:')"
    fi
    after=$(wc -l <"$access_log")
    read -r total ok refused < <(answers "$path" "$before" "$after")
    if echo "$log" | injectable; then
        echo "not ok - sqlmap: $label: injectable ($((after - before)) requests)"
        echo "$log" | grep -iE 'injection point|Parameter:|Type:|Payload:' | head -n 20
    elif [ "$total" -eq 0 ] || [ "$ok" -eq 0 ] || [ "$refused" -eq "$total" ] ||
         { [ "$level" -lt 2 ] && [ "$refused" -gt 0 ]; }; then
        echo "not ok - sqlmap: $label: not answered by the route ($total requests of sqlmap on $path in the access log, $ok answered 2xx, $refused answered 401)"
    elif echo "$log" | grep -q 'all tested parameters do not appear to be injectable'; then
        echo "ok - sqlmap: $label: nothing injectable ($total requests, $ok answered 2xx, $refused 401)"
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

# The partner portal, as a partner's contact: invited by the member to their
# partner, the link used, then the same three kinds of target.
invite=$(json -d "{\"email\":\"contact-$RANDOM$RANDOM@attack.example\",\"name\":\"Sqlmap Contact\"}" "$base/partners/$partner/invites" | field url 2>/dev/null)
intro=$(json -d "{\"partnerId\":\"$partner\",\"direction\":\"outbound\",\"leadName\":\"Intro Lee\"}" "$base/referrals" | field id 2>/dev/null)
rm -f "$out/jar"
csrf=
json -d "{\"token\":\"${invite##*token=}\",\"password\":\"contact-password-1\"}" "$base/invites/accept" >"$out/contact.json" ||
    { echo "not ok - sqlmap: the partner's contact cannot sign in"; exit 0; }
csrf=$(field csrfToken <"$out/contact.json" 2>/dev/null)
cookie=$(awk '$6 == "partnerships_session" {print $7}' "$out/jar")
[ -n "$csrf" ] && [ -n "$cookie" ] && [ -n "$intro" ] || { echo "not ok - sqlmap: the contact's session does not work"; exit 0; }
run "portal referral list (as a partner's contact)" -u "$base/portal/referrals?direction=outbound&status=introduced&sort=-dealValue&limit=5&offset=0"
run "portal lead registration (JSON body)" -u "$base/portal/referrals" --method POST -H 'content-type: application/json' \
    --data='{"leadName":"Lee","leadCompany":"Acme","leadEmail":"lee@acme.example","dealValue":10,"message":"m"}'
run "portal intro answer (id in the path, JSON body)" -u "$base/portal/intros/$intro*" --method POST -H 'content-type: application/json' \
    --data='{"accept":true}'
