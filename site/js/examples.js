// Commands to click. Some use commands other developers are still building
// (awk, jq, python3, sort...): until they land, the shell says so
// ("command not found"), as it would for any missing command.

export const EXAMPLES = [
  {
    title: "Pipeline",
    note: "yes ends on SIGPIPE",
    command: "yes wasmsand | head -n 3; echo ${PIPESTATUS[@]}",
  },
  {
    title: "Count words",
    command: "cat README.txt | wc -lw",
  },
  {
    title: "Loop and substitution",
    command: 'for f in *.csv *.json; do echo "$f: $(wc -l < "$f") lines"; done',
  },
  {
    title: "awk over a CSV",
    command: "awk -F, 'NR > 1 { n++; age += $2 } END { printf \"%d people, mean age %.1f\\n\", n, age / n }' people.csv",
  },
  {
    title: "Sort and count",
    command: "cut -d, -f3 people.csv | tail -n +2 | sort | uniq -c | sort -rn",
  },
  {
    title: "jq over JSON",
    command: "jq -r '.[] | select(.age > 30) | \"\\(.name) lives in \\(.city)\"' people.json",
  },
  {
    title: "A python3 script",
    command: "python3 stats.py people.csv",
  },
  {
    title: "Here-document",
    command: "cat > notes.txt <<'EOF'\nwasmsand runs in this page\nfiles survive a reload\nEOF\nwc -l notes.txt && cat notes.txt",
  },
  {
    title: "Files and folders",
    command: "mkdir -p project/src && touch project/src/main.rs && tree project && ls -l",
  },
  {
    title: "Runaway loop",
    note: "press Ctrl-C to stop it",
    command: "while true; do :; done",
  },
];
