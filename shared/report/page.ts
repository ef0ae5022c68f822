/**
 * The HTML shell both pages share: the client's CSS and script inline (bundled from client/ by
 * scripts/lib/build-report-client.ts into bundle/client.js), and the page's data as one JSON
 * `<script>` element the client starts from. Nothing is fetched from elsewhere, so a report opens
 * offline and the dashboard needs only its own server.
 */
import { REPORT_CLIENT_CSS, REPORT_CLIENT_JS } from './bundle/client.js';

/** A whole page: `data` is embedded as JSON under `id` (see page-data.ts), for the client to render. */
export function page(title: string, data: { id: string; value: unknown }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CLIENT_CSS}</style>
<script type="application/json" id="${escapeHtml(data.id)}">${scriptJson(data.value)}</script>
</head>
<body>
<div id="app"></div>
<script>${REPORT_CLIENT_JS}</script>
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
