/** `--help`: examples first (STYLE §18), then every flag. */
export const HELP = `HTTP Sentinel demo: the seed's three patterns (web scraper, API gateway, load test) on
client-per-worker pools, each worker's client layered retry → breaker → shared rate limit →
timeouts, against embedded seeded chaos servers on 127.0.0.1.

Examples
  pnpm demo                                  all three phases (about a minute)
  pnpm demo --dashboard                      the same, watched live in your browser
  pnpm demo --report demo-report.html        also write the report as one HTML file
  pnpm demo --phase gateway --seed 3         one phase, another seed
  pnpm demo --phase load --full              the seed's 100 workers × 1,000 requests
  pnpm demo --json | jq .guarantees          the whole result as JSON
  pnpm demo --target http://127.0.0.1:8080   your own server instead (nothing is injected into it)

Flags
  --phase NAME           scraper, gateway or load (repeat or comma-separate; default: all)
  --workers N            workers in every phase (default 8 / 16 / 100)
  --requests N           load test requests per worker (default 100)
  --full                 load test at the seed's size: 1,000 requests per worker
  --failure-rate F       transient faults of the embedded servers: 0.1 or 10% (default 10%)
  --seed N               seeds the servers, the callers and the jitter (default 7)
  --json                 print the whole result as JSON on stdout (progress stays on stderr)
  --report FILE.html     write the report: one self-contained HTML file, readable offline
  --dashboard            serve the report live on 127.0.0.1 while the demo runs, and after it
                         until Ctrl-C
  --target URL           call this http(s) server instead: the scraper GETs /pages/N, the gateway
                         GETs /catalog/items and /payments/status and POSTs /orders and
                         /orders/new-N, the load test GETs URL itself
  -h, --help             this text

Exit codes: 0 every guarantee held · 1 one broke · 2 bad usage · 130 interrupted (Ctrl-C).
`;
