/** The dashboard page of `logsleuth serve`: the report's views, fed by the results API it is served with. */
import { page } from './page.ts';

/** @param apiBase where the API routes are, relative to the page ('' = same server, same root). */
export function renderDashboard(apiBase = ''): string {
  return page('logsleuth dashboard', `LS.dashboard(${JSON.stringify(apiBase)});`);
}
