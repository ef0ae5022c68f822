// Types of client.js, which scripts/lib/build-report-client.ts generates from shared/report/client/
// (`npm run build`; `npm ci` and the test setup run it too). client.js is not committed.

/** The minified browser script of both pages (an IIFE), safe to inline in a `<script>` element. */
export declare const REPORT_CLIENT_JS: string;
/** The minified CSS of both pages, safe to inline in a `<style>` element. */
export declare const REPORT_CLIENT_CSS: string;
