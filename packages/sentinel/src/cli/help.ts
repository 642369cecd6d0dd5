/*
 * Help texts: examples first (clig.dev), then the flags with their defaults, then exit codes.
 */

const EXIT_CODES = 'Exit codes: 0 ok · 1 the run failed · 2 bad usage · 130 interrupted (Ctrl-C)\n';

export const MAIN_HELP = `http-sentinel — load-test, scrape and break HTTP services through the resilient stack
(retry → circuit breaker → rate limit → timeouts, one client per worker)

Examples:
  http-sentinel chaos --profile flaky                  # a flaky server on 127.0.0.1 to try things against
  http-sentinel load http://127.0.0.1:8080/ -w 64 -d 10s
  http-sentinel load http://127.0.0.1:8080/ -n 100 --json | jq .latencyMs
  cat urls.txt | http-sentinel scrape -w 8 --ordered > pages.ndjson

Commands:
  load <url>          load-test one URL (like autocannon, through the resilient stack)
  scrape [FILE|-]     fetch every URL of a file or stdin; one NDJSON line per URL on stdout
  chaos               start a fault-injecting HTTP server on 127.0.0.1

  -h, --help          help (also: http-sentinel <command> --help)
  -v, --version       print the version

${EXIT_CODES}`;

export const LOAD_HELP = `http-sentinel load <url> — the seed's load-test pattern: workers × requests through
retry → breaker → rate limit → timeouts, each worker with its own client

Examples:
  http-sentinel load http://127.0.0.1:8080/                       # 100 workers × 1,000 requests
  http-sentinel load http://127.0.0.1:8080/api -w 64 -d 30s --rate 2000
  http-sentinel load http://127.0.0.1:8080/orders -m POST -H 'content-type: application/json' -b '{"item":1}'
  http-sentinel load http://127.0.0.1:8080/ -n 200 --json > report.json
  http-sentinel load http://127.0.0.1:8080/ -d 20s --report report.html --min-success 0.999

Options:
  -w, --workers N        concurrent workers, each with its own client        (default 100)
  -n, --requests N       requests per worker                                  (default 1000)
  -d, --duration T       run for a time instead: 30s, 500ms, 2m (bare number = seconds)
      --warmup T         send for T first (same workers, model and rate), not counted in
                         the report: a new process runs its first seconds slower
      --rate R           total requests per second (open model, latency corrected
                         for coordinated omission); without it, a closed model
      --preset NAME      development | production | hft                     (default production)
  -m, --method M         HTTP method                                          (default GET)
  -H, --header 'K: V'    request header (repeatable)
  -b, --body TEXT        request body
      --json             print the report as JSON on stdout (also the partial one after Ctrl-C)
      --report FILE      also write the report as a self-contained HTML page
      --min-success F    exit 1 when the success rate (0–1) is below F     (default 0: never)
  -h, --help             this help

A POST or PATCH is retried only with an idempotency key: pass -H 'idempotency-key: …'.
A request refused by an open breaker counts as a failure (SENTINEL_CIRCUIT_OPEN) and its worker
pauses 1 ms before the next one, so it cannot starve the others.
Progress goes to stderr (a live line on a terminal, a plain line every 5 s otherwise);
the report table goes to stderr with --json, to stdout without it.

${EXIT_CODES}`;

export const SCRAPE_HELP = `http-sentinel scrape [FILE|-] — the seed's web-scraper pattern: fetch every URL (one per line)
with N workers, each with its own client; write one JSON line per URL

Examples:
  http-sentinel scrape urls.txt > pages.ndjson
  cat urls.txt | http-sentinel scrape -w 16 --ordered -o pages.ndjson
  http-sentinel scrape urls.txt --preset development | jq -c 'select(.status != 200)'

Each line: {"url","status","bytes","ms","attempts","error"} — a 404 is a line with "status": 404
and "error": null; a request that failed has "status": null and "error": "<code>".
Input is read lazily (a 10-million-line file never sits in memory); blank lines and lines
starting with # are skipped.

Options:
  -w, --workers N        concurrent workers                                    (default 8)
      --ordered          write lines in input order (default: as they complete)
  -o, --output FILE      write to FILE instead of stdout
      --preset NAME      development | production | hft                     (default production)
  -H, --header 'K: V'    request header (repeatable)
  -h, --help             this help

Ctrl-C stops reading, lets requests in flight finish, and exits 130; every line written is complete.

${EXIT_CODES}`;

export const CHAOS_HELP = `http-sentinel chaos — a fault-injecting HTTP server on 127.0.0.1 (from @sentinel/chaos), to try
your own code against failures. Prints its URL on stdout; Ctrl-C stops it (exit 0).

Examples:
  http-sentinel chaos --profile flaky
  http-sentinel chaos --port 8080 --profile outage
  http-sentinel chaos --profile flaky --outage 2s/30s                 # flaky, and down 2 s every 30 s
  http-sentinel chaos --fault 503,rate=0.2 --fault reset-before-headers,rate=0.05 --seed 7
  http-sentinel chaos --fault rate-limit,retryAfter=2,rate=0.1 --fault echo,latencyMs=5-50

Profiles:
  flaky          10 % 503, 3 % connection resets before headers, 2 % 429 with Retry-After: 1
  outage         healthy for 7 s, then every path answers 503 for 3 s, over and over
  slow           exponential latency (mean 150 ms); 5 % stream a 16 KiB body at 8 KiB/s
  rate-limited   25 % 429 with Retry-After: 1 and RateLimit headers

Options:
  -p, --port N           port on 127.0.0.1                                     (default 0: a free one)
      --seed N           seed of the fault rolls: the same seed, the same faults  (default 1)
      --profile NAME     one of the profiles above
      --fault SPEC       TYPE[,key=value...] (repeatable; tried in order, before the profile's).
                         TYPE: a status code (503) or status, rate-limit, reset-before-headers,
                         reset-mid-body, hang, slow-body, truncated-body, oversized-body,
                         compressed, redirect, echo. Keys: rate (0–1), times, latencyMs (N or
                         MIN-MAX), and the type's own fields (retryAfter, size, bytesPerSecond…)
      --outage DOWN/EVERY  every path answers 503 for DOWN in every EVERY, e.g. 3s/10s
                         (the outage profile's cycle; also works alone or with faults)
  -h, --help             this help

Without a profile, a fault or an outage, every request is echoed as JSON.

${EXIT_CODES}`;
