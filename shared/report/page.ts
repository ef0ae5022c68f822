/**
 * The HTML shell both pages share: inline CSS and the inline client script (client.ts), nothing
 * fetched from elsewhere, so a report opens offline and the dashboard needs only its own server.
 */
import { CLIENT_JS } from './client.ts';

const CSS = `
:root { color-scheme: light; --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #f8fafc; }
#app { max-width: 1120px; margin: 0 auto; padding: 20px 28px 60px; background: #fff; min-height: 100vh; }
h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; font-weight: 600; }
a { color: #1d4ed8; text-decoration: none; } a:hover { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mono, .label.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.muted { color: var(--muted); } .error { color: #b91c1c; } .reason { color: #b91c1c; }
.badge { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 11px; font-weight: 600; white-space: nowrap; }
.count { display: inline-block; margin: 1px 8px 1px 0; white-space: nowrap; }
.status { font-weight: 600; } .status.done { color: #15803d; } .status.failed { color: #b91c1c; } .status.running { color: #a16207; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; } .card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; min-width: 140px; }
.big { font-size: 22px; font-weight: 700; }
.chart { width: 100%; height: auto; display: block; } .chart .axis, .chart .label { font-size: 11px; fill: #334155; }
.waterfall { min-width: 900px; } .waterfall .hl { fill: #fee2e2; } .waterfall .anomalous .label { fill: #991b1b; font-weight: 600; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 14px; flex-wrap: wrap; margin-top: 4px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
section.anomaly { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 14px 0; }
.explanation { background: #f1f5f9; border-left: 4px solid #1d4ed8; padding: 6px 12px; margin: 8px 0; }
.explanation.missing { border-left-color: #94a3b8; color: var(--muted); }
.explanation .summary { font-weight: 600; } .chain { margin: 4px 0; padding-left: 22px; }
.reasons { margin: 4px 0; padding-left: 18px; } .session { font-weight: 600; margin: 8px 0 4px; }
select, button { font: inherit; margin-left: 8px; }
`;

/** A whole page: `boot` is the script line that starts the client (it may embed data already escaped). */
export function page(title: string, boot: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
${head}</head>
<body>
<div id="app"></div>
<script>${CLIENT_JS}</script>
<script>${boot}</script>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>`, `&` and the JS line separators are
 * escaped, so no log line can close the script or start markup.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
