import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../shared/errors.ts';
import { presetByName } from '../../../shared/ingest/formats/registry.ts';
import {
  MAX_SOURCE_CONFIG_CHARS, parseSourceConfig, settingsOf, SourceConfigError, withIngestOptions, type LoadedSourceConfig,
} from '../../../shared/pipeline/stages/source-config.ts';

const KEY = 'config/orders.json';
const parse = (value: unknown): LoadedSourceConfig => parseSourceConfig(KEY, typeof value === 'string' ? value : JSON.stringify(value));
const problem = (value: unknown): string => {
  const loaded = parse(value);
  if (loaded.ok) throw new Error(`expected ${JSON.stringify(value)} to be invalid`);
  return loaded.error.message;
};

describe('source config: valid files', () => {
  it('turns every key into ingest options and a session regex', () => {
    const loaded = parse({
      format: '<Date> <Time> <Level> <Component>: <Content>', eventStart: '^\\d{4}-\\d{2}-\\d{2} ',
      sessionFields: ['orderId'], sessionRegex: 'order-(\\d+)', messageFields: ['msg'], durationFields: ['took_us'],
    });
    expect(loaded.ok).toBe(true);
    const settings = settingsOf(loaded);
    expect(settings.ingest).toEqual({
      format: '<Date> <Time> <Level> <Component>: <Content>', eventStart: '^\\d{4}-\\d{2}-\\d{2} ',
      sessionFields: ['orderId'], fields: { message: ['msg'], duration: ['took_us'] },
    });
    expect(settings.sessionRegex).toEqual(/order-(\d+)/);
  });

  it('means defaults when the file is missing, and has no tag then', () => {
    const loaded = parseSourceConfig(KEY, undefined);
    expect(loaded).toMatchObject({ ok: true, config: {} });
    expect(loaded.tag).toBeUndefined();
    expect(settingsOf(loaded)).toEqual({ ingest: {} });
  });

  it('gives an empty object the same identity as no file', () => {
    expect(parse({}).tag).toBeUndefined();
  });

  it('tags by meaning: key order and whitespace do not matter, a changed value does', () => {
    const a = parse('{"format": "<Level> <Content>", "sessionRegex": "req-\\\\d+"}');
    const b = parse('{\n  "sessionRegex": "req-\\\\d+",\n  "format": "<Level> <Content>"\n}\n');
    const c = parse({ format: '<Level> <Content>', sessionRegex: 'req-\\d' });
    expect(a.tag).toBeDefined();
    expect(b.tag).toBe(a.tag);
    expect(c.tag).not.toBe(a.tag);
  });

  it('accepts a file that starts with a byte-order mark', () => {
    expect(parse('\uFEFF{"sessionFields": ["traceId"]}').ok).toBe(true);
  });

  it.runIf(presetByName('alb'))('accepts a preset name as the format', () => {
    expect(settingsOf(parse({ format: 'alb' })).ingest).toEqual({ format: 'alb' });
  });

  it('lets explicit caller options win over the file, field by field', () => {
    const settings = settingsOf(parse({ format: '<Level> <Content>', messageFields: ['msg'], durationFields: ['took_ms'] }));
    expect(withIngestOptions(settings, { format: '<Content>', fields: { duration: ['ms'] }, batchSize: 10 })).toEqual({
      format: '<Content>', batchSize: 10, fields: { message: ['msg'], duration: ['ms'] },
    });
  });
});

describe('source config: invalid files', () => {
  it('names an unknown key, and the keys it knows', () => {
    const message = problem({ sesionRegex: 'x' });
    expect(message).toContain(`${KEY} is not a valid source config`);
    expect(message).toContain('unknown key "sesionRegex" (known keys: format, eventStart, sessionFields, sessionRegex, messageFields, durationFields)');
  });

  it('rejects a session regex that does not compile', () => {
    expect(problem({ sessionRegex: 'blk_(' })).toMatch(/sessionRegex: not a valid regular expression \(.*Unterminated group\)/);
  });

  it('rejects an event-start pattern that does not compile', () => {
    expect(problem({ eventStart: '[' })).toMatch(/eventStart: not a valid regular expression/);
  });

  it('rejects a header format without <Content>, with the format error', () => {
    expect(problem({ format: '<Date> <Level>' })).toContain('format: format "<Date> <Level>" has no <Content> field');
  });

  it('rejects a format that is neither a preset nor a header format', () => {
    expect(problem({ format: 'no-such-format' })).toMatch(/format: "no-such-format" is neither a preset .* nor a header format/);
  });

  it('rejects field lists that are not lists of names', () => {
    const message = problem({ sessionFields: 'orderId', messageFields: [], durationFields: [1] });
    expect(message).toContain('sessionFields: must be a list of strings');
    expect(message).toContain('messageFields: must list at least one field name');
    expect(message).toContain('durationFields[0]: must be a string');
  });

  it('rejects empty strings', () => {
    expect(problem({ format: '', sessionRegex: '' })).toMatch(/format: must not be empty; sessionRegex: must not be empty/);
  });

  it('lists every problem in one message, unknown keys first', () => {
    const message = problem({ sessionRegex: '(', color: 'red', format: 3 });
    expect(message).toMatch(/^config\/orders\.json is not a valid source config: unknown key "color" .*; format: must be a string; sessionRegex: not a valid regular expression .*\. Fix it \(see docs\/source-config\.md\), then upload the objects again$/);
  });

  it('rejects text that is not JSON', () => {
    expect(problem('format: alb')).toMatch(/^config\/orders\.json is not a valid source config: not valid JSON \(/);
  });

  it('rejects JSON that is not an object', () => {
    expect(problem(['format', 'alb'])).toContain('it must hold a JSON object like {"format": "…"}, not an array');
  });

  it('rejects a file over the size limit', () => {
    expect(problem(`{"format": "${'x'.repeat(MAX_SOURCE_CONFIG_CHARS)}"}`)).toContain(`at most ${MAX_SOURCE_CONFIG_CHARS} are allowed`);
  });

  it('throws a permanent SourceConfigError from settingsOf, tagged by its text so a fix changes the identity', () => {
    const broken = parse({ sessionRegex: '(' });
    const fixed = parse({ sessionRegex: '()' });
    expect(() => settingsOf(broken)).toThrow(SourceConfigError);
    const error = (broken as { error: SourceConfigError }).error;
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.retryable).toBe(false);
    expect(error.key).toBe(KEY);
    expect(broken.tag).toBeDefined();
    expect(fixed.tag).not.toBe(broken.tag);
  });
});
