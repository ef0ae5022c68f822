/**
 * Per-source settings kept in the bucket: `config/<source>.json` says how `<source>`'s logs are read
 * (format preset or loghub header format, multi-line events, which fields hold the session id,
 * message and duration, a session-id regex). Training, detection and the nightly roll all read it,
 * so a model and the runs checked against it see records parsed the same way.
 *
 * A missing file means defaults. A file that is not valid fails the work that needed it with one
 * {@link SourceConfigError} listing every problem; retrying cannot fix it, only a new file can.
 */
import { z } from 'zod';
import { UserInputError } from '../../errors.ts';
import { stableId } from '../../hash.ts';
import { PRESETS, presetByName } from '../../ingest/formats/registry.ts';
import { compileHeaderFormat } from '../../ingest/header-format.ts';
import { LinearRegExp, UnsafePatternError } from '../../linear-regex.ts';
import type { IngestOptions } from '../../ingest/ingest.ts';
import type { ObjectStore } from '../../ports.ts';
import { sourceConfigKey } from './layout.ts';

/** Bigger than any sensible config; the text also travels in detection follow-up messages (SQS: 256 KiB). */
export const MAX_SOURCE_CONFIG_CHARS = 16 * 1024;

/** A `config/<source>.json` that cannot be used. `problems` are the single lines of the message. */
export class SourceConfigError extends UserInputError {
  override name = 'SourceConfigError';

  constructor(readonly key: string, readonly problems: string[]) {
    super(`${key} is not a valid source config: ${problems.join('; ')}. Fix it (see docs/source-config.md), then upload the objects again`);
  }
}

// Both checks skip the empty string: `min(1)` reports it already (zod runs refinements after a failed `min`).
const compiles = (value: string, ctx: z.RefinementCtx): void => {
  if (value === '') return;
  try {
    // The patterns run on the linear-time engine; one it cannot run is refused here, with the reason.
    new LinearRegExp(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof UnsafePatternError ? error.reason : `not a valid regular expression (${(error as Error).message})` });
  }
};

/** Resolved exactly as ingest resolves `IngestOptions.format`: a preset name first, else a header format. */
const readable = (value: string, ctx: z.RefinementCtx): void => {
  if (value === '' || presetByName(value.trim())) return;
  try {
    compileHeaderFormat(value);
  } catch (error) {
    const known = PRESETS.map((p) => p.name);
    const presets = known.length > 0 ? `a preset (${known.join(', ')})` : 'a preset name';
    ctx.addIssue({
      code: 'custom',
      message: value.includes('<')
        ? (error as Error).message
        : `"${value}" is neither ${presets} nor a header format like "<Date> <Time> <Level>: <Content>"`,
    });
  }
};

const pattern = z.string().min(1, 'must not be empty').superRefine(compiles);
const fieldNames = z.array(z.string().min(1, 'a field name must not be empty')).min(1, 'must list at least one field name');

/**
 * The file's schema. Strict: an unknown key is an error (a misspelt key would otherwise be ignored
 * without a word).
 */
export const sourceConfigSchema = z.strictObject({
  /** A preset name (`alb`, `syslog`, …) or a loghub header format (`<Date> <Time> <Level>: <Content>`). */
  format: z.string().min(1, 'must not be empty').superRefine(readable).optional(),
  /** A line matching it starts a new event; other lines continue the one before (stack traces). */
  eventStart: pattern.optional(),
  /** Session-id fields in priority order (replaces the default correlation_id, request_id, …). */
  sessionFields: fieldNames.optional(),
  /** Takes a session id out of the message when no field has one; a capture group, if any, is the id. */
  sessionRegex: pattern.optional(),
  /** Message fields in priority order (replaces the default message, msg, log, …). */
  messageFields: fieldNames.optional(),
  /** Duration fields in priority order; the unit comes from the name (`_us`, `_s`, else ms). */
  durationFields: fieldNames.optional(),
});

export type SourceConfig = z.infer<typeof sourceConfigSchema>;

const KEYS = Object.keys(sourceConfigSchema.shape) as (keyof SourceConfig)[];

/** A source's config as read from the bucket: the text, its identity, and the parsed result. */
export type LoadedSourceConfig = { key: string; text?: string; tag?: string } & (
  | { ok: true; config: SourceConfig }
  | { ok: false; error: SourceConfigError }
);

/** How ingest and the session tracker read a source: what {@link settingsOf} returns. */
export interface SourceSettings {
  ingest: IngestOptions;
  sessionRegex?: RegExp;
}

/** Reads `config/<source>.json` (undefined text when there is none). Store errors are thrown (transient). */
export async function loadSourceConfig(objects: ObjectStore, source: string): Promise<LoadedSourceConfig> {
  const key = sourceConfigKey(source);
  return parseSourceConfig(key, await objects.getText(key));
}

/**
 * Parses a config file's text (`undefined`: no file → defaults). Never throws: an invalid file gives
 * `ok: false` with the error, so a stage can record it where it records its other failures.
 *
 * `tag` identifies what the config means, for run ids and for "was the model trained with this
 * config": the same settings give the same tag however the file is formatted; no file and `{}` have
 * none (defaults); an invalid file is tagged by its text, so fixing it changes the tag.
 */
export function parseSourceConfig(key: string, text: string | undefined): LoadedSourceConfig {
  if (text === undefined) return { key, ok: true, config: {} };
  const invalid = (problems: string[]): LoadedSourceConfig => ({ key, text, tag: stableId('cx', text), ok: false, error: new SourceConfigError(key, problems) });
  if (text.length > MAX_SOURCE_CONFIG_CHARS) return invalid([`it is ${text.length} characters long; at most ${MAX_SOURCE_CONFIG_CHARS} are allowed`]);
  let json: unknown;
  try {
    // Editors on Windows like to start the file with a byte-order mark; JSON.parse does not.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return invalid([`not valid JSON (${(error as Error).message})`]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return invalid([`it must hold a JSON object like {"format": "…"}, not ${Array.isArray(json) ? 'an array' : json === null ? 'null' : `a ${typeof json}`}`]);
  const parsed = sourceConfigSchema.safeParse(json);
  if (!parsed.success) {
    // Unknown keys first: a misspelt key is the likeliest mistake, and it explains a "missing" setting.
    const issues = [...parsed.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
    return invalid(issues.flatMap(describeIssue));
  }
  const config = parsed.data;
  // Key order fixed by the schema: the tag depends on the settings, not on how the file is written.
  const canonical = KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]);
  return { key, text, ...(canonical.length > 0 && { tag: stableId('c', JSON.stringify(canonical)) }), ok: true, config };
}

/** The settings of a loaded config; throws its {@link SourceConfigError} when it is invalid. */
export function settingsOf(loaded: LoadedSourceConfig): SourceSettings {
  if (!loaded.ok) throw loaded.error;
  const { config } = loaded;
  const fields: NonNullable<IngestOptions['fields']> = {
    ...(config.messageFields && { message: config.messageFields }),
    ...(config.durationFields && { duration: config.durationFields }),
  };
  return {
    ingest: {
      ...(config.format !== undefined && { format: config.format }),
      ...(config.eventStart !== undefined && { eventStart: config.eventStart }),
      ...(config.sessionFields && { sessionFields: config.sessionFields }),
      ...(Object.keys(fields).length > 0 && { fields }),
    },
    ...(config.sessionRegex !== undefined && { sessionRegex: new LinearRegExp(config.sessionRegex) }),
  };
}

/** The config's ingest options with the caller's explicit ones on top (a caller's option wins, key by key). */
export function withIngestOptions(settings: SourceSettings, explicit: IngestOptions | undefined): IngestOptions {
  if (!explicit) return settings.ingest;
  const fields = { ...settings.ingest.fields, ...explicit.fields };
  return { ...settings.ingest, ...explicit, ...(Object.keys(fields).length > 0 && { fields }) };
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `unknown key "${k}" (known keys: ${KEYS.join(', ')})`);
  }
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  const message = issue.code === 'invalid_type' ? `must be ${issue.expected === 'array' ? 'a list of strings' : `a ${issue.expected}`}` : issue.message;
  return [`${path || '(file)'}: ${message}`];
}
