import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../shared/detect/types.ts';
import { renderDashboard } from '../../shared/report/dashboard.ts';
import { REPORT_CLIENT_JS } from '../../shared/report/bundle/client.js';
import { anomaliesOverTime, renderReport } from '../../shared/report/report.ts';

const anomaly = (id: string, type: Anomaly['type'], timestamp: number | undefined, message = 'ok'): Anomaly => ({
  id, type, templateId: 't1', template: 'tpl', score: 0.9, source: 's', line: 1, reasons: [], count: 1,
  context: { contextType: 'WINDOW', truncated: false, logs: [{ source: 's', line: 1, message, anomalous: true, ...(timestamp !== undefined && { timestamp }) }] },
});

describe('the HTML report', () => {
  it('embeds its data so that no log line can close the script or inject markup', () => {
    const html = renderReport({ title: 't', subtitle: 's', runs: [], anomalies: [], top: [anomaly('a1', 'NEW_TEMPLATE', 1, '</script><img src=x onerror=alert(1)>')], templates: [] });
    expect(html).not.toContain('</script><img');
    expect(html).toContain('\\u003c/script\\u003e\\u003cimg');
    // Two scripts: the data (JSON) and the bundled client; no code is written into the page per report.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('loads nothing from elsewhere: no external script, style, image or font', () => {
    const html = renderReport({ title: 't', subtitle: 's', runs: [], anomalies: [], top: [], templates: [] });
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(http/);
  });

  it('counts anomalies over time per type in equal buckets, and gives none when no anomaly has a time', () => {
    const t0 = Date.UTC(2026, 10, 20);
    const timeline = anomaliesOverTime([anomaly('a', 'DURATION_SPIKE', t0), anomaly('b', 'DURATION_SPIKE', t0 + 500), anomaly('c', 'ERROR_BURST', t0 + 3_600_000), anomaly('d', 'NEW_TEMPLATE', undefined)], 4);
    expect(timeline!.from).toBe(t0);
    expect(timeline!.buckets).toHaveLength(4);
    expect(timeline!.buckets[0]).toEqual({ DURATION_SPIKE: 2 });
    expect(timeline!.buckets[3]).toEqual({ ERROR_BURST: 1 });
    expect(anomaliesOverTime([anomaly('d', 'NEW_TEMPLATE', undefined)], 4)).toBeNull();
  });

  it('inlines the bundled client and hands it the data as JSON, the same way for the dashboard', () => {
    const report = renderReport({ title: 't', subtitle: 's', runs: [], anomalies: [], top: [], templates: [] });
    const dashboard = renderDashboard('/api');

    expect(REPORT_CLIENT_JS.length).toBeGreaterThan(1000);
    expect(report).toContain(`<script>${REPORT_CLIENT_JS}</script>`);
    expect(report).toMatch(/<script type="application\/json" id="report-data">\{"title":"t"/);
    expect(dashboard).toContain(`<script>${REPORT_CLIENT_JS}</script>`);
    expect(dashboard).toContain('<script type="application/json" id="dashboard-config">{"apiBase":"/api"}</script>');
  });
});
