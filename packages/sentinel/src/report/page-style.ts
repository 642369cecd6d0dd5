/** The report page's own styles (uPlot's stylesheet is inlined beside them). */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #e3e3e3; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 16px 24px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 8px 0 2px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-top: 12px; border-top: 1px solid var(--line); }
header p { margin: 0; color: var(--muted); }
.description { color: var(--muted); margin-top: 0; }
.badge { display: inline-block; padding: 0 8px; border-radius: 9px; font-size: 12px; }
.badge:empty { display: none; }
.badge.running, .badge.live { background: #e6f1f8; color: #0072B2; }
.badge.interrupted, .badge.offline { background: #fbeee6; color: #a34700; }
.tables { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 2px; }
th, td { padding: 2px 10px 2px 0; text-align: left; border-bottom: 1px solid var(--line); }
td.n, th.n, .latency td, .latency th { text-align: right; }
.stats th { font-weight: 500; color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 8px 24px; }
figure { margin: 12px 0 0; min-width: 0; }
figcaption { margin-bottom: 4px; color: var(--muted); }
figcaption strong { color: var(--ink); }
.chart { width: 100%; min-height: 60px; }
.legend span { margin-right: 14px; color: var(--muted); font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border: 1px solid #999; }
.guarantees td { padding: 4px 14px 4px 0; }
.guarantees .verdict { font-weight: 600; white-space: nowrap; }
.guarantees .ok .verdict { color: #00704f; }
.guarantees .fail .verdict { color: #a34700; }
.guarantees .detail { color: var(--muted); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
`;
