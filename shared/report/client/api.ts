/** The results API as the dashboard calls it (routes of shared/api/app.ts), typed. */
import type { Anomaly, AnomalyType } from '../../detect/types.ts';
import type { RunRecord } from '../../ports.ts';
import type { SessionSummary } from './views.ts';

/** A page of a listing; `nextCursor` fetches the following one. */
export interface ApiPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface AnomalyWithSession {
  anomaly: Anomaly;
  session: SessionSummary | null;
}

/** A client for the API at `base`; every call rejects with the API's own error message. */
export function resultsApi(base: string) {
  async function get<T>(path: string): Promise<T> {
    const response = await fetch(base + path, { headers: { accept: 'application/json' } });
    const body = (await response.json()) as T & { error?: { message?: string } };
    if (!response.ok) throw new Error(body.error?.message ?? response.statusText);
    return body;
  }
  const cursor = (after: string | undefined) => (after ? `&cursor=${encodeURIComponent(after)}` : '');
  return {
    sources: () => get<{ items: string[] }>('/sources'),
    runs: (source: string, after?: string) => get<ApiPage<RunRecord>>(`/sources/${encodeURIComponent(source)}/runs?limit=20${cursor(after)}`),
    run: (runId: string) => get<RunRecord>(`/runs/${encodeURIComponent(runId)}`),
    anomalies: (runId: string, type: AnomalyType | '', after?: string) =>
      get<ApiPage<Anomaly>>(`/runs/${encodeURIComponent(runId)}/anomalies?limit=50${type ? `&type=${type}` : ''}${cursor(after)}`),
    anomaly: (runId: string, anomalyId: string) => get<AnomalyWithSession>(`/runs/${encodeURIComponent(runId)}/anomalies/${encodeURIComponent(anomalyId)}`),
  };
}

export type ResultsApi = ReturnType<typeof resultsApi>;
