/** Streaming ingest: byte streams in, `LogRecord` batches out. See `ingest.ts`. */
export { ingest, type IngestOptions, type LineSelector } from './ingest.ts';
export { IngestReport, formatBytes } from './report.ts';
export type { InputObject } from './input.ts';
export type { LogRecord, Level } from './record.ts';
export type { IngestProblem, ProblemKind } from './problems.ts';
export { DEFAULT_FIELD_MAPPING, JsonRecordMapper, resolveFieldMapping, type FieldMapping } from './field-mapping.ts';
export { compileHeaderFormat, matchHeaderFormat, HeaderFormatError, type HeaderFormat } from './header-format.ts';
export { normalizeLevel, parseTimestamp, parseDurationMs } from './normalize.ts';
export { sniffContent, type ContentKind } from './sniff.ts';
export { PRESETS, presetByName } from './formats/registry.ts';
export type { Preset } from './formats/preset.ts';
export type { Provides } from './formats/preset.ts';
