import type { Level } from '../ingest/record.ts';

/** What kind of finding an anomaly is. */
export type AnomalyType =
  | 'DURATION_SPIKE'     // one record far slower than its template's baseline
  | 'TEMPLATE_OUTLIER'   // a template whose statistics in this input are unlike its baseline (Isolation Forest)
  | 'NEW_TEMPLATE'       // messages that match no baseline template
  | 'ERROR_BURST'        // a template logging WARN+ far more often than in its baseline
  | 'SESSION_OUTLIER';   // a session whose mix of templates is unlike baseline sessions (Isolation Forest)

/** Points at one record. */
export interface RecordRef { source: string; line: number }

/** One record as shown in an anomaly's context. */
export interface ContextLog {
  source: string;
  line: number;
  level?: Level;
  timestamp?: number;
  service?: string;
  message: string;
  /** The rest of a multi-line event (a stack trace), clipped: see `clipDetail`. */
  detail?: string;
  durationMs?: number;
  templateId?: string;
  anomalous: boolean;
}

/** Figures that summarise a session (computed over all its records, not just the ones shown). */
export interface SessionMetrics {
  start?: number;
  end?: number;
  durationMs?: number;
  records: number;
  errors: number;
  errorRate: number;
  distinctTemplates: number;
}

export type ContextType = 'FULL_SESSION' | 'WINDOW' | 'NONE';

/** The story around an anomaly: its whole session, or a window of neighbouring records. */
export interface AnomalyContext {
  contextType: ContextType;
  sessionId?: string;
  /** All records of the session in the input (may exceed logs.length when truncated). */
  totalLogsInSession?: number;
  /** True when logs is a sample of a longer session. */
  truncated: boolean;
  metrics?: SessionMetrics;
  logs: ContextLog[];
}

/** Why a record or template was flagged; one anomaly can have several. */
export interface AnomalyReason {
  type: AnomalyType;
  score: number;
  detail: string;
}

/** A finding, ranked by score in [0, 1], with the figures that justify it. */
export interface Anomaly {
  id: string;
  type: AnomalyType;
  templateId: string;
  template: string;
  score: number;
  source: string | null;
  /** The anomalous record's 1-based line, or one example line for template-level findings. */
  line: number | null;
  sessionId?: string;
  level?: Level;
  message?: string;
  reasons: AnomalyReason[];
  /** How many records this finding stands for (e.g. all spikes of one template; all lines of a new template). */
  count: number;
  /** Example locations for template-level findings. */
  examples?: { source: string; line: number }[];
  zScore?: number;
  durationMs?: number;
  baselineMedianMs?: number;
  ifScore?: number;
  baselineIfScore?: number;
  errorRate?: number;
  baselineErrorRate?: number;
  context: AnomalyContext;
  explanation?: Explanation;
  /** Set by the explainer Lambda: EXPLAINED (with `explanation`) or EXPLAIN_FAILED (with `explainReason`). */
  explainStatus?: ExplainStatus;
  /** Why explaining failed, written for a person (EXPLAIN_FAILED only). */
  explainReason?: string;
  /** Epoch ms of the explainer's verdict. */
  explainedAt?: number;
}

/** Where an anomaly stands with the LLM explainer; absent until the explainer has handled it. */
export type ExplainStatus = 'EXPLAINED' | 'EXPLAIN_FAILED';

/** Tokens a model read and wrote for one explanation (every attempt counted). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A root-cause analysis of one anomaly, from any explainer. */
export interface Explanation {
  method: 'heuristic' | 'bedrock' | 'openai';
  summary: string;
  rootCause: string;
  causalChain: string[];
  evidenceLines: number[];
  confidence: number;
  nextStep: string;
  /** The model (or inference profile) that answered; LLM explainers only. */
  model?: string;
  usage?: TokenUsage;
  /** Wall time of the model call(s), ms. */
  latencyMs?: number;
  /** Context records the prompt left out to fit the input token budget. */
  omittedRecords?: number;
  /**
   * Set when this explanation was not asked for but reused from an earlier anomaly group with the same
   * signature (type, template and session shape). Its text speaks of that occurrence; its evidence
   * lines were mapped onto this anomaly's context.
   */
  reusedFrom?: { runId: string; anomalyId: string; explainedAt: number };
}
