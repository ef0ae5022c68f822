/**
 * The structured answer an LLM explainer must give: one schema (zod) for validation, and the same
 * shape as JSON Schema for the model's tool (Bedrock `toolConfig`) or response format (OpenAI).
 * The answer is data: it is only ever parsed and checked here, never executed or used to build a query.
 */
import { z } from 'zod';

/** What the model must fill in. Unknown extra keys are dropped; missing or malformed ones reject the answer. */
export const rootCauseAnswerSchema = z.object({
  summary: z.string().trim().min(1).max(2000),
  rootCause: z.string().trim().min(1).max(2000),
  causalChain: z.array(z.string().trim().min(1).max(1000)).max(20),
  // Some models send numbers as strings ("12"); a number is a number.
  evidenceLines: z.array(z.coerce.number().int().positive()).min(1).max(50),
  confidence: z.coerce.number().min(0).max(1),
  nextStep: z.string().trim().min(1).max(1000),
});

export type RootCauseAnswer = z.infer<typeof rootCauseAnswerSchema>;

/** Name of the tool the model is forced to call with its answer. */
export const ANSWER_TOOL_NAME = 'record_root_cause';
export const ANSWER_TOOL_DESCRIPTION = 'Record the root-cause analysis of the log anomaly. Cite only line numbers shown in the logs.';

/** {@link rootCauseAnswerSchema} as JSON Schema (draft 2020-12 subset every provider accepts). */
export const ROOT_CAUSE_JSON_SCHEMA = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: 'One or two sentences: what happened.' },
    rootCause: { type: 'string', description: 'The most probable root cause, naming the record that shows it.' },
    causalChain: { type: 'array', items: { type: 'string' }, description: 'The steps from the root cause to the anomaly, in order.' },
    evidenceLines: { type: 'array', items: { type: 'integer' }, description: 'Line numbers (from [line N]) of the records that support the analysis.' },
    confidence: { type: 'number', minimum: 0, maximum: 1, description: 'How sure the analysis is, 0 to 1.' },
    nextStep: { type: 'string', description: 'The next thing an engineer should check.' },
  },
  required: ['summary', 'rootCause', 'causalChain', 'evidenceLines', 'confidence', 'nextStep'],
  additionalProperties: false,
} as const;

/** Result of checking one answer: the answer, or what is wrong with it (said so the model can fix it). */
export type AnswerCheck = { ok: true; answer: RootCauseAnswer } | { ok: false; problem: string };

/**
 * Validates a model's answer against the schema and the context it was shown: every evidence line
 * must be one of `shownLines`. A string is parsed as JSON first (models without tools answer in text,
 * sometimes inside a ``` fence).
 */
export function checkAnswer(raw: unknown, shownLines: ReadonlySet<number>): AnswerCheck {
  let value = raw;
  if (typeof value === 'string') {
    const parsed = parseJsonText(value);
    if (parsed === undefined) return { ok: false, problem: 'the answer is not a JSON object' };
    value = parsed;
  }
  const result = rootCauseAnswerSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`);
    return { ok: false, problem: `the answer does not match the schema (${problems.join('; ')})` };
  }
  const unknown = [...new Set(result.data.evidenceLines.filter((line) => !shownLines.has(line)))];
  if (unknown.length > 0) {
    return { ok: false, problem: `evidenceLines cites line(s) ${unknown.slice(0, 10).join(', ')} that are not in the logs shown` };
  }
  return { ok: true, answer: { ...result.data, evidenceLines: [...new Set(result.data.evidenceLines)].sort((a, b) => a - b) } };
}

/** The JSON object in a model's text answer: the whole text, a fenced block, or the outermost braces. */
function parseJsonText(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  const braces = text.indexOf('{') >= 0 ? text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1) : undefined;
  for (const candidate of [text, fenced, braces]) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}
