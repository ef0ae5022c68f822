/**
 * What a page hands its client script: one JSON `<script>` element, found by its id. Shared by the
 * server side (page.ts) and the browser side (client/main.ts), so the two cannot drift apart.
 */

/** The id of the report's embedded data (`ReportData`, see report.ts). */
export const REPORT_DATA_ID = 'report-data';

/** The id of the dashboard's settings ({@link DashboardConfig}). */
export const DASHBOARD_CONFIG_ID = 'dashboard-config';

/** The dashboard's settings. */
export interface DashboardConfig {
  /** Where the results API routes are, relative to the page ('' = same server, same root). */
  apiBase: string;
}
