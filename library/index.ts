/**
 * logsleuth as a library: train a model on baseline logs, save and load it, detect anomalies in
 * other logs with full-session context, explain them. The same stages as the CLI and the Lambdas
 * (`shared/` is the core); this file is the package's whole, deliberate surface.
 *
 * ```ts
 * import { train, detect, loadModel } from 'logsleuth';
 * const model = await train(['logs.json'], { contamination: 0.05 });
 * await model.save('model/');
 * const result = await detect(['incident.json'], await loadModel('model/'), { sessionIdField: 'correlation_id' });
 * ```
 */
export { train, type TrainOptions } from './train.ts';
export { detect, type DetectOptions, type DetectionResult } from './detect.ts';
export { Model, loadModel, type LoadOptions, type SaveOptions, type TrainedFrom } from './model.ts';
export { bedrockExplainer, heuristicExplainer, type BedrockExplainerOptions, type Explainer } from './explainers.ts';
export type { InputOptions } from './options.ts';
export type { LogChunk, LogData, LogInput } from './inputs.ts';
export type {
  Anomaly, AnomalyContext, AnomalyReason, AnomalyType, ContextLog, ContextType, Explanation, SessionMetrics, TokenUsage,
} from '../shared/detect/types.ts';
export type { TemplateCount } from '../shared/pipeline/detector.ts';
export type { IngestProblem, ProblemKind } from '../shared/ingest/index.ts';
export type { Level } from '../shared/ingest/index.ts';
export { LogsleuthError, ModelError, UserInputError } from '../shared/errors.ts';
