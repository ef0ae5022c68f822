/**
 * The results API: one Hono app over the read-only result ports ({@link ResultReader},
 * {@link ModelCatalog}, {@link DigestReader}: nothing it holds can write), used as it is by the API Lambda
 * (`functions/api/handler.ts`, behind API Gateway with IAM auth) and by `logsleuth serve` (the
 * embedded store on 127.0.0.1), so both answer the same routes the same way.
 *
 *   GET /sources                                   sources with a model (cloud) or with runs (local)
 *   GET /sources/:source/runs?limit&cursor&from&to  runs of a source, newest first, paginated
 *   GET /sources/:source/models                     models of a source, newest first
 *   GET /runs/:runId                                one run
 *   GET /runs/:runId/anomalies?type&minScore&limit&cursor   a run's anomalies, best first, paginated
 *   GET /runs/:runId/anomalies/:anomalyId           one anomaly (context complete) + its session's summary
 *   GET /runs/:runId/sessions/:sessionId            one session: records and metrics
 *   GET /sources/:source/runs/:runId[/…]            the four run routes above, under the run's source
 *   GET /digests/:day?source                        a day's digest, every source (or one)
 *
 * Every parameter is validated (zod); every error, including unknown routes and failures, has one
 * shape: `{"error": {"code", "message", "details"?}}` with 400, 404 or 500.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Anomaly } from '../detect/types.ts';
import { LogsleuthError } from '../errors.ts';
import { InvalidPageToken, type DigestReader, type ModelCatalog, type ResultReader, type RunRecord } from '../ports.ts';
import { CursorCodec, InvalidCursor } from './cursor.ts';

export interface ApiDependencies {
  /** Runs, anomalies and sessions. */
  reader: ResultReader;
  models: ModelCatalog;
  digests: DigestReader;
  /** Key of the cursors' HMAC (see cursor.ts). */
  cursorSecret: string;
  /** The sources `GET /sources` lists. */
  sources: () => Promise<string[]>;
  /** Extra HTML pages by path (serve's dashboard); the Lambda has none. */
  pages?: Record<string, string>;
  /** Told about every unexpected error (the caller logs it); the client gets a plain 500. */
  onError?: (error: unknown, path: string) => void;
}

/** The error body every failing route returns. */
export interface ApiErrorBody {
  error: { code: 'BAD_REQUEST' | 'NOT_FOUND' | 'INTERNAL'; message: string; details?: { field: string; problem: string }[] };
}

/** An error the routes raise on purpose: it becomes its status and the one error shape. */
export class ApiError extends LogsleuthError {
  override name = 'ApiError';
  constructor(readonly status: 400 | 404, message: string, readonly details?: { field: string; problem: string }[]) {
    super(message);
  }
}

export const ANOMALY_TYPES = ['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER'] as const;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

// Ids are the pipeline's own (stableId: a letter and 20 hex digits); sources and session ids are user data.
const runId = z.string().regex(/^r[0-9a-f]{20}$/, 'expected a run id like r0123456789abcdef0123');
const anomalyId = z.string().regex(/^a[0-9a-f]{20}$/, 'expected an anomaly id like a0123456789abcdef0123');
const userText = (max: number) => z.string().min(1).max(max).refine((s) => !/[\u0000-\u001f]/.test(s), 'control characters are not allowed');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar day');
const limit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);
const cursor = z.string().min(1).max(4096).optional();
const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)).optional();

const runsQuery = z.strictObject({ limit, cursor, from: instant, to: instant });
const anomaliesQuery = z.strictObject({ limit, cursor, type: z.enum(ANOMALY_TYPES).optional(), minScore: z.coerce.number().min(0).max(1).optional() });
const digestQuery = z.strictObject({ source: userText(256).optional() });
const noQuery = z.strictObject({});

/** Builds the app. Routes only read; nothing here writes to the store. */
export function createApi(deps: ApiDependencies): Hono {
  const app = new Hono();
  const cursors = new CursorCodec(deps.cursorSecret);

  for (const [path, html] of Object.entries(deps.pages ?? {})) app.get(path, (c) => c.html(html));

  app.get('/sources', async (c) => {
    query(c, noQuery);
    return c.json({ items: await deps.sources() });
  });

  app.get('/sources/:source/runs', async (c) => {
    const source = param(c, 'source', userText(256));
    const q = query(c, runsQuery);
    const fingerprint = JSON.stringify(['runs', source, q.from ?? null, q.to ?? null]);
    const page = await deps.reader.pageRuns(source, {
      limit: q.limit, ...(q.cursor && { after: cursors.decode(fingerprint, q.cursor) }),
      ...(q.from !== undefined && { from: q.from }), ...(q.to !== undefined && { to: q.to }),
    });
    return c.json({ items: page.items, ...(page.next && { nextCursor: cursors.encode(fingerprint, page.next) }) });
  });

  app.get('/sources/:source/models', async (c) => {
    const source = param(c, 'source', userText(256));
    query(c, noQuery);
    return c.json({ items: await deps.models.listModels(source) });
  });

  // Every run route answers twice: as /runs/:runId/… and under its source, /sources/:source/runs/:runId/…,
  // where a run of another source is a 404. An IAM policy on /sources/<source>/* then covers a run's details.
  for (const scoped of [false, true]) {
    const base = scoped ? '/sources/:source/runs/:runId' : '/runs/:runId';
    /** The run id; on scoped routes also the run, checked to belong to the source in the path. */
    const runOf = async (c: Context): Promise<{ id: string; run?: RunRecord }> => {
      const id = param(c, 'runId', runId);
      if (!scoped) return { id };
      const source = param(c, 'source', userText(256));
      const run = await deps.reader.getRun(id);
      // The same answer for another source's run as for no run: a scoped caller learns nothing of other sources.
      if (run?.source !== source) throw new ApiError(404, `no run ${id} in source ${source}`);
      return { id, run };
    };

    app.get(base, async (c) => {
      const { id, run } = await runOf(c);
      query(c, noQuery);
      return c.json(run ?? found(await deps.reader.getRun(id), `run ${id}`));
    });

    app.get(`${base}/anomalies`, async (c) => {
      const { id, run } = await runOf(c);
      const q = query(c, anomaliesQuery);
      // An unknown run is a 404, not an empty list: a typo should not look like a quiet run.
      if (!run) found(await deps.reader.getRun(id), `run ${id}`);
      const fingerprint = JSON.stringify(['anomalies', id, q.type ?? null, q.minScore ?? null]);
      const page = await deps.reader.pageAnomalies(id, {
        limit: q.limit, ...(q.cursor && { after: cursors.decode(fingerprint, q.cursor) }),
        ...(q.type && { type: q.type }), ...(q.minScore !== undefined && { minScore: q.minScore }),
      });
      return c.json({ items: page.items.map(listed), ...(page.next && { nextCursor: cursors.encode(fingerprint, page.next) }) });
    });

    app.get(`${base}/anomalies/:anomalyId`, async (c) => {
      const { id } = await runOf(c);
      const aid = param(c, 'anomalyId', anomalyId);
      query(c, noQuery);
      const anomaly = found(await deps.reader.getAnomaly(id, aid), `anomaly ${aid} in run ${id}`);
      const sessionId = anomaly.context.sessionId ?? anomaly.sessionId;
      const session = sessionId !== undefined ? await deps.reader.getSession(id, sessionId) : undefined;
      return c.json({
        anomaly,
        session: session ? { sessionId: session.sessionId, totalLogsInSession: session.totalLogsInSession, truncated: session.truncated, metrics: session.metrics, anomalyIds: session.anomalyIds } : null,
      });
    });

    app.get(`${base}/sessions/:sessionId`, async (c) => {
      const { id } = await runOf(c);
      // Any id the store holds (long ones are hashed in its keys) up to what fits in API Gateway's 10 KB request line and headers.
      const sid = param(c, 'sessionId', userText(4096));
      query(c, noQuery);
      return c.json(found(await deps.reader.getSession(id, sid), `session ${sid} in run ${id}`));
    });
  }

  app.get('/digests/:day', async (c) => {
    const d = param(c, 'day', day);
    const q = query(c, digestQuery);
    const items = q.source !== undefined ? [await deps.digests.getDigest(d, q.source)].filter((x) => x !== undefined) : await deps.digests.listDigests(d);
    if (items.length === 0) throw new ApiError(404, `no digest for ${d}${q.source !== undefined ? ` and source ${q.source}` : ''}: no run started that day (UTC)`);
    return c.json({ day: d, items });
  });

  app.notFound((c) => c.json(errorBody('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(errorBody(error.status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND', error.message, error.details), error.status);
    if (error instanceof InvalidCursor || error instanceof InvalidPageToken) return c.json(errorBody('BAD_REQUEST', error.message, [{ field: 'cursor', problem: 'not valid for this listing' }]), 400);
    deps.onError?.(error, c.req.path);
    return c.json(errorBody('INTERNAL', 'internal error: the request could not be answered; try again later'), 500);
  });
  return app;
}

function errorBody(code: ApiErrorBody['error']['code'], message: string, details?: ApiErrorBody['error']['details']): ApiErrorBody {
  return { error: { code, message, ...(details && { details }) } };
}

function param<T>(c: Context, name: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(c.req.param(name));
  if (!parsed.success) throw new ApiError(400, `invalid ${name}`, parsed.error.issues.map((i) => ({ field: name, problem: i.message })));
  return parsed.data;
}

function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : '(query)'),
      problem: i.code === 'unrecognized_keys' ? 'unknown parameter' : i.message,
    }));
    throw new ApiError(400, `invalid query parameters: ${details.map((d) => `${d.field} (${d.problem})`).join('; ')}`, details);
  }
  return parsed.data;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ApiError(404, `${what} not found`);
  return value;
}

/** In a listing, a FULL_SESSION anomaly carries no records (they are in its session): say so instead of showing none. */
function listed(anomaly: Anomaly): Anomaly & { logsInSession?: boolean } {
  return anomaly.context.contextType === 'FULL_SESSION' && anomaly.context.logs.length === 0 ? { ...anomaly, logsInSession: true } : anomaly;
}
