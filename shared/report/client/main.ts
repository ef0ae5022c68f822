/**
 * The browser side of the HTML report and of `logsleuth serve`'s dashboard, bundled by
 * scripts/lib/build-report-client.ts into one script inlined into both pages (no CDN, no chart
 * library: charts are typed SVG helpers, see charts/). It starts from the JSON the page embeds:
 * `#report-data` renders a report, `#dashboard-config` starts the dashboard.
 */
import { DASHBOARD_CONFIG_ID, REPORT_DATA_ID, type DashboardConfig } from '../page-data.ts';
import type { ReportData } from '../report.ts';
import { startDashboard } from './dashboard-page.ts';
import { renderReport } from './report-page.ts';

function embedded<T>(id: string): T | undefined {
  const node = document.getElementById(id);
  return node?.textContent ? (JSON.parse(node.textContent) as T) : undefined;
}

const root = document.getElementById('app')!;
const report = embedded<ReportData>(REPORT_DATA_ID);
const dashboard = embedded<DashboardConfig>(DASHBOARD_CONFIG_ID);
if (report) renderReport(root, report);
else if (dashboard) startDashboard(root, dashboard.apiBase);
