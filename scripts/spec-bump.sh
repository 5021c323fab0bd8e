#!/usr/bin/env bash
# spec-bump.sh [API [NEW]]: look for upstream changes to the pinned OpenAPI
# documents (.github/workflows/spec-bump.yml runs it weekly).
#
# For each API of specs/pipeline.yaml (or the one named), take NEW (a file or
# URL) or else fetch the API's upstream document at the head of its branch
# (the table below), and, when it differs from the pinned one (sha256 in
# specs/lock.json), run `make bump API=<api> NEW=<file>` (what no longer
# applies, breaking changes, Go API impact). Each API gets a report in
# $OUT/<api>.md and one line in $OUT/summary.md; the script fails only when
# it cannot run at all, not when an API's fetch or bump fails (that is in the
# report).
#
# Unless NOPR=1, the reports of changed APIs are committed on a new branch
# (specs/bumps/<api>.md) and a pull request is opened with gh, its body the
# summary and the reports. Applying a bump stays a reviewed, local step: each
# report gives the `make bump ... APPLY=1` command.
#
# Environment: OUT (default specs/.cache/bump), NOPR=1 (no branch, commit or
# pull request), NOGO=1 (skip the Go API report), MAKE, BASE (pull request
# base, default main). GH_TOKEN for gh and for the GitHub API in CI.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${OUT:-specs/.cache/bump}
MAKE=${MAKE:-make}
BASE=${BASE:-main}
mkdir -p "$OUT"
: >"$OUT/summary.md"

# branch names the branch whose head is "latest" for a pinned spec's
# repository (the lock pins a raw.githubusercontent.com URL at a commit).
# Not verified against the repositories from here (no internet): a wrong
# name shows as "fetch failed" in that API's report, the others go on.
branch() {
	case "$1" in
	umbraco-17) echo v17/main ;;
	umbraco-18) echo main ;;
	auth0) echo main ;;
	applications) echo master ;;
	scim2-*) echo master ;;
	*) return 1 ;;
	esac
}

# spec_of API: the lock name of the API's pinned spec, from specs/pipeline.yaml.
spec_of() {
	awk -v api="$1" '
		/^  - name: / { name = $3 }
		/^    spec: / && name == api { print $2; exit }
	' specs/pipeline.yaml
}

apis() {
	awk '/^  - name: / { print $3 }' specs/pipeline.yaml
}

lock_field() { # spec field
	jq -r --arg s "$1" --arg f "$2" '.specs[] | select(.name == $s) | .[$f]' specs/lock.json
}

# latest SPEC DEST: fetch the document at the head of its branch into DEST
# and print its URL at that commit.
latest() {
	local spec=$1 dest=$2 url br owner repo rest sha
	url=$(lock_field "$spec" url)
	br=$(branch "$spec") || { echo "no branch configured for $spec in scripts/spec-bump.sh" >&2; return 1; }
	# https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<path>
	rest=${url#https://raw.githubusercontent.com/}
	owner=${rest%%/*}; rest=${rest#*/}
	repo=${rest%%/*}; rest=${rest#*/}
	rest=${rest#*/} # the path after the commit
	sha=$(curl -fsSL --max-time 300 ${GH_TOKEN:+-H "Authorization: Bearer $GH_TOKEN"} \
		"https://api.github.com/repos/$owner/$repo/commits/$br" | jq -r .sha) || return 1
	[[ $sha =~ ^[0-9a-f]{40}$ ]] || { echo "no commit for $owner/$repo $br" >&2; return 1; }
	url="https://raw.githubusercontent.com/$owner/$repo/$sha/$rest"
	curl -fsSL --max-time 300 --max-filesize 67108864 -o "$dest" "$url" || return 1
	echo "$url"
}

bump_one() { # API [NEW]
	local api=$1 new=${2:-} spec report url sum pinned rc
	report="$OUT/$api.md"
	spec=$(spec_of "$api")
	if [[ -z $spec ]]; then
		echo "unknown API $api (not in specs/pipeline.yaml)" >&2
		return 2
	fi
	{
		echo "# $api: upstream document ($spec)"
		echo
	} >"$report"
	if [[ -z $new ]]; then
		new="$OUT/$api.upstream"
		if ! url=$(latest "$spec" "$new" 2>>"$report"); then
			echo "fetch failed: see above" >>"$report"
			echo "- $api: fetch failed" >>"$OUT/summary.md"
			return 0
		fi
		echo "candidate: $url" >>"$report"
	else
		url=$new
		echo "candidate: $new" >>"$report"
	fi
	if [[ $new == http://* || $new == https://* ]]; then
		local f="$OUT/$api.upstream"
		curl -fsSL --max-time 300 --max-filesize 67108864 -o "$f" "$new" || { echo "fetch failed" >>"$report"; echo "- $api: fetch failed" >>"$OUT/summary.md"; return 0; }
		new=$f
	fi
	sum=$(sha256sum "$new" | cut -d' ' -f1)
	pinned=$(lock_field "$spec" sha256)
	echo "pinned: $(lock_field "$spec" url) (sha256 $pinned)" >>"$report"
	echo "candidate sha256: $sum" >>"$report"
	if [[ $sum == "$pinned" ]]; then
		echo "unchanged" >>"$report"
		echo "- $api: unchanged" >>"$OUT/summary.md"
		return 0
	fi
	echo >>"$report"
	echo '```text' >>"$report"
	set +e
	$MAKE --no-print-directory bump API="$api" NEW="$new" ${NOGO:+NOGO=1} >>"$report" 2>&1
	rc=$?
	set -e
	echo '```' >>"$report"
	echo >>"$report"
	echo "make bump exit status: $rc" >>"$report"
	echo "to apply: make bump API=$api NEW=$url APPLY=1 URL=$url VERSION=<version>" >>"$report"
	echo "- $api: changed (make bump exit status $rc): $OUT/$api.md" >>"$OUT/summary.md"
	echo "$api" >>"$OUT/changed"
}

: >"$OUT/changed"
if [[ $# -ge 1 ]]; then
	bump_one "$1" "${2:-}"
else
	for api in $(apis); do
		bump_one "$api"
	done
fi
cat "$OUT/summary.md"

if [[ ${NOPR:-} == 1 || ! -s $OUT/changed ]]; then
	exit 0
fi
br="spec-bump/$(date -u +%Y-%m-%d)"
git switch -c "$br"
mkdir -p specs/bumps
body="$OUT/body.md"
{
	echo "Upstream changes to the pinned OpenAPI documents, found by scripts/spec-bump.sh. Review each report, then apply with the command it gives."
	echo
	cat "$OUT/summary.md"
} >"$body"
while read -r api; do
	cp "$OUT/$api.md" "specs/bumps/$api.md"
	git add "specs/bumps/$api.md"
	{ echo; cat "$OUT/$api.md"; } >>"$body"
done <"$OUT/changed"
head -c 60000 "$body" >"$body.cut"
git commit -q -m "specs: upstream documents changed ($(paste -sd, "$OUT/changed")); reports of make bump"
git push -u origin "$br"
gh pr create --base "$BASE" --head "$br" --title "specs: upstream documents changed ($(date -u +%Y-%m-%d))" --body-file "$body.cut"
