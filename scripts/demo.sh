#!/usr/bin/env bash
# make demo: a sample board in a temporary folder, a few items, a plan of work.
set -euo pipefail
board="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The demo commits as a fixed author, so it works on a machine with no git identity.
export GIT_AUTHOR_NAME="Board Demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="Board Demo" GIT_COMMITTER_EMAIL="demo@example.com"
run() { echo; echo "\$ board $*"; "$board" -C "$dir/sample" "$@"; }

"$board" init "$dir/sample" --name "Sample board"
a=$("$board" -C "$dir/sample" add "Export invoices as PDF" --points 5 --tag billing --assignee alice)
b=$("$board" -C "$dir/sample" add "Fix rounding in VAT totals" --type bug --points 3 --tag billing)
c=$("$board" -C "$dir/sample" add "Evaluate PDF libraries" --type spike --points 2 --rank top)
d=$("$board" -C "$dir/sample" add "Email invoices to customers" --points 8 --depends-on "$a")
run move "$a" in-progress
run set "$b" assignee=bob
run rank "$d" --before "$b"
run list
run show "$a"
run check
# Acceptance criteria make items ready to plan (the editor here just appends a checklist line).
for id in "$a" "$b" "$c" "$d"; do
  EDITOR='printf "%s\n" "- [ ] Works as described" >>' "$board" -C "$dir/sample" edit "$id"
done
run iteration new --goal "Customers get invoices as PDF"
run plan --velocity 10
run iteration start S1
echo; echo "\$ git log --oneline"; git -C "$dir/sample" log --oneline

# A board with three months of history (generated, 6 closed two-week iterations built commit by
# commit): what board reconstructs from Git, and the report for stakeholders.
echo; echo "== A generated board with history: velocity, forecast, burndown, report"
"$board" dev generate "$dir/history" --items 120 --iterations 6 --commits 90
export BOARD_TODAY=2022-03-25   # the last iteration's end, so the dates read naturally
history() { echo; echo "\$ board $*"; "$board" -C "$dir/history" "$@"; }
history velocity
history forecast --points 200
history burndown S6
history scope S6
report="${DEMO_REPORT:-${TMPDIR:-/tmp}/board-demo-report.html}"
history report --format html -o "$report"
echo "Open $report in a browser to see the stakeholder report."
