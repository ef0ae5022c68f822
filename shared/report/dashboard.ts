/** The dashboard page of `logsleuth serve`: the report's views, fed by the results API it is served with. */
import { page } from './page.ts';
import { DASHBOARD_CONFIG_ID, type DashboardConfig } from './page-data.ts';

/** @param apiBase where the API routes are, relative to the page ('' = same server, same root). */
export function renderDashboard(apiBase = ''): string {
  const config: DashboardConfig = { apiBase };
  return page('logsleuth dashboard', { id: DASHBOARD_CONFIG_ID, value: config });
}
