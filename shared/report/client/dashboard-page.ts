/**
 * The dashboard: runs → a run's anomalies → one anomaly, fed by the results API. The route lives
 * in the URL hash (`#/runs/<id>`, `#/runs/<id>/anomalies/<id>`), so links and Back work.
 */
import type { AnomalyType } from '../../detect/types.ts';
import { resultsApi, type ApiPage, type ResultsApi } from './api.ts';
import { TYPES } from './anomaly-types.ts';
import { append, clear, el, type Child } from './dom.ts';
import { anomalyDetail, anomalyTable, runTable } from './views.ts';

export function startDashboard(root: HTMLElement, apiBase: string): void {
  const api = resultsApi(apiBase);
  const show = (...children: Child[]) => {
    clear(root);
    append(root, children);
  };
  const fail = (error: unknown) => show(el('p', { class: 'error', 'data-testid': 'error', text: error instanceof Error ? error.message : String(error) }), el('a', { href: '#/', text: 'back to the runs' }));
  const route = () => {
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    const view = parts[0] === 'runs' && parts.length === 2 ? runView(api, show, parts[1]!)
      : parts[0] === 'runs' && parts[2] === 'anomalies' && parts.length === 4 ? anomalyView(api, show, parts[1]!, parts[3]!)
        : runsView(api, show, fail);
    view.catch(fail);
  };
  window.addEventListener('hashchange', route);
  route();
}

type Show = (...children: Child[]) => void;

/**
 * A listing that grows page by page: the first page in `box`, then a "more" button while the API
 * has a next cursor. A page that fails shows the error in place of the button.
 */
async function pagedInto<T>(box: HTMLElement, load: (after?: string) => Promise<ApiPage<T>>, render: (items: T[]) => HTMLElement, after?: string): Promise<void> {
  const page = await load(after);
  const part = el('div', {}, render(page.items));
  if (page.nextCursor) {
    const next = page.nextCursor;
    const more = el('button', {
      'data-testid': 'more', text: 'more',
      onclick: () => {
        more.remove();
        pagedInto(box, load, render, next).catch((error: unknown) => append(box, el('p', { class: 'error', text: String((error as Error).message ?? error) })));
      },
    });
    part.appendChild(more);
  }
  box.appendChild(part);
}

async function runsView(api: ResultsApi, show: Show, fail: (error: unknown) => void): Promise<void> {
  show(el('h1', { text: 'logsleuth' }), el('p', { class: 'muted', text: 'Loading runs…' }));
  const sources = await api.sources();
  const sections = sources.items.map((source) => {
    const box = el('div', {});
    pagedInto(box, (after) => api.runs(source, after), (runs) => runTable(runs, (r) => `#/runs/${r.runId}`)).catch(fail);
    return el('section', {}, el('h2', { text: `Source ${source}` }), box);
  });
  show(el('h1', { text: 'logsleuth' }), el('p', { class: 'muted', text: `${sources.items.length} source(s); newest runs first` }),
    sections.length ? sections : el('p', { text: 'No runs yet: run logsleuth analyze <logs> first.' }));
}

async function runView(api: ResultsApi, show: Show, runId: string): Promise<void> {
  const run = await api.run(runId);
  const box = el('div', {});
  const type = el('select', { 'data-testid': 'type-filter' }, el('option', { value: '', text: 'all types' }), TYPES.map((t) => el('option', { value: t, text: t })));
  const render = (items: Parameters<typeof anomalyTable>[0]) => items.length
    ? anomalyTable(items, (a) => `#/runs/${runId}/anomalies/${a.id}`)
    : el('p', { class: 'muted', text: 'No anomalies.' });
  // A filter change while a page is loading: only the latest request's answer is shown.
  let generation = 0;
  const reload = () => {
    const mine = ++generation;
    clear(box);
    const filtered = type.value as AnomalyType | '';
    const scratch = el('div', {});
    pagedInto(scratch, (after) => api.anomalies(runId, filtered, after), render).then(() => {
      if (mine === generation) box.appendChild(scratch);
    }, (error: unknown) => {
      if (mine === generation) append(box, el('p', { class: 'error', 'data-testid': 'error', text: (error as Error).message }));
    });
  };
  type.addEventListener('change', reload);
  show(el('a', { href: '#/', text: '← runs' }), el('h1', {}, 'Run ', el('span', { class: 'mono', text: run.runId })),
    runTable([run], null), run.reason ? el('p', { class: 'error', text: run.reason }) : null,
    el('h2', {}, 'Anomalies ', type), box);
  reload();
}

async function anomalyView(api: ResultsApi, show: Show, runId: string, anomalyId: string): Promise<void> {
  const found = await api.anomaly(runId, anomalyId);
  show(el('a', { href: `#/runs/${runId}`, text: `← run ${runId}` }), el('h1', { text: `Anomaly ${anomalyId}` }), anomalyDetail(found.anomaly, found.session));
}
