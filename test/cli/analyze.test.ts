/**
 * `logsleuth analyze | train | detect` end to end: the real command in a child process, on the
 * committed scenarios in events/logs/ and on files written here.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { z } from 'zod';
import { logsleuth, ROOT, STACK_LINE, tempDir, writeSmallScenario } from './helpers.ts';

const BASELINE = join(ROOT, 'events/logs/baseline.jsonl');
const INCIDENT = join(ROOT, 'events/logs/incident.jsonl');
const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length;

let dir: string;
let cleanup: () => Promise<void>;
const path = (name: string) => join(dir, name);

/** A small generated scenario (~1 000 lines) where the committed 10 000-line ones are not needed. */
let small: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  small = await writeSmallScenario(dir);
});

afterAll(async () => {
  await cleanup();
});

/** The documented `--json` shape (README / issue): these fields are required, more are welcome. */
const contextLog = z.object({
  line: z.number().int().positive(),
  level: z.string().optional(),
  message: z.string(),
  durationMs: z.number().optional(),
  anomalous: z.boolean(),
});
const anomaly = z.object({
  id: z.string().min(1),
  type: z.enum(['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER']),
  templateId: z.string(),
  template: z.string(),
  score: z.number().min(0).max(1),
  source: z.string().nullable(),
  line: z.number().int().positive().nullable(),
  sessionId: z.string().optional(),
  context: z.object({
    contextType: z.enum(['FULL_SESSION', 'WINDOW', 'NONE']),
    sessionId: z.string().optional(),
    totalLogsInSession: z.number().int().optional(),
    truncated: z.boolean(),
    logs: z.array(contextLog),
  }).refine((c) => c.contextType !== 'FULL_SESSION' || (c.sessionId !== undefined && c.totalLogsInSession !== undefined), 'a FULL_SESSION context names its session and its size'),
  explanation: z.object({
    method: z.string(),
    summary: z.string().min(1),
    rootCause: z.string().min(1),
    evidenceLines: z.array(z.number().int()),
  }),
});
const resultShape = z.object({
  runId: z.string().min(1),
  records: z.number().int().nonnegative(),
  malformed: z.number().int().nonnegative(),
  anomalies: z.array(anomaly),
});
type Result = z.infer<typeof resultShape> & { problems: { source: string; message: string }[] };

/** Checks the documented shape and returns the whole object (extra fields included). */
function parseResult(stdout: string): Result {
  const json: unknown = JSON.parse(stdout);
  resultShape.parse(json);
  return json as Result;
}

describe('logsleuth analyze --json', () => {
  it.concurrent('prints exactly the documented shape for the incident scenario against its baseline', async ({ expect }) => {
    const run = await logsleuth(['analyze', INCIDENT, '--baseline', BASELINE, '--json', '--no-store']);

    expect(run.code).toBe(0);
    const result = parseResult(run.stdout);
    expect(Object.keys(JSON.parse(run.stdout) as object).slice(0, 4)).toEqual(['runId', 'records', 'malformed', 'anomalies']);
    expect(result.records).toBe(lineCount(INCIDENT));
    expect(result.malformed).toBe(0);
    expect(result.anomalies.length).toBeGreaterThan(0);
    for (const a of result.anomalies) {
      expect(a.source).toBe(INCIDENT);
      expect(a.explanation.method).toBe('heuristic');
      if (a.context.contextType === 'FULL_SESSION') expect(a.context.sessionId).toBe(a.sessionId);
    }
  });

  it.concurrent('prints the object with records: 0 for an empty input', async ({ expect }) => {
    await writeFile(path('empty.jsonl'), '');

    const run = await logsleuth(['analyze', path('empty.jsonl'), '--json', '--no-store']);

    expect(run.code).toBe(0);
    const result = parseResult(run.stdout);
    expect(result.records).toBe(0);
    expect(result.anomalies).toEqual([]);
  });

  it.concurrent('prints the object and lists the unreadable inputs with their reasons when some could not be read', async ({ expect }) => {
    const missing = path('missing.jsonl');
    const junk = path('junk.bin');
    await writeFile(junk, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131) % 256)));

    const run = await logsleuth(['analyze', small, missing, junk, '--json', '--no-store']);

    expect(run.code).toBe(0);
    const result = parseResult(run.stdout);
    expect(result.records).toBe(lineCount(small));
    expect(result.problems.find((p) => p.source === missing)?.message).toMatch(/no such file/);
    expect(result.problems.find((p) => p.source === junk)?.message).toMatch(/not a log file/);
  });

  it.concurrent('still prints the object when no input at all could be read, and exits non-zero', async ({ expect }) => {
    const missing = path('nothing-here.jsonl');

    const run = await logsleuth(['analyze', missing, '--json', '--no-store']);

    expect(run.code).not.toBe(0);
    const result = parseResult(run.stdout);
    expect(result.records).toBe(0);
    expect(result.problems.map((p) => p.source)).toEqual([missing]);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });
});

describe('logsleuth train, then detect', () => {
  it.concurrent('finds the same anomalies, ids included, as analyze --baseline', async ({ expect }) => {
    const modelDir = path('model');

    const trained = await logsleuth(['train', BASELINE, '--out', modelDir]);
    const detected = await logsleuth(['detect', INCIDENT, '--model', modelDir, '--json', '--no-store']);
    const analysed = await logsleuth(['analyze', INCIDENT, '--baseline', BASELINE, '--json', '--no-store']);

    expect(trained.code).toBe(0);
    expect(detected.code).toBe(0);
    expect(analysed.code).toBe(0);
    const fromModel = parseResult(detected.stdout);
    const inOneGo = parseResult(analysed.stdout);
    expect(fromModel.anomalies.length).toBeGreaterThan(0);
    expect(fromModel.runId).toBe(inOneGo.runId);
    expect(fromModel.anomalies).toEqual(inOneGo.anomalies);
  });

  it.concurrent('says there is no model, in one readable line, when the model directory is missing', async ({ expect }) => {
    const run = await logsleuth(['detect', INCIDENT, '--model', path('no-such-model'), '--no-store']);

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/no model at .*no-such-model/);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it.concurrent('says the model is damaged, without a stack trace, when model.json is cut short', async ({ expect }) => {
    const modelDir = path('damaged-model');
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, 'model.json'), '{"format":"logsleuth-model","version":1,"id":"m1","miner":{"clus');

    const run = await logsleuth(['detect', INCIDENT, '--model', modelDir, '--no-store']);

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(join(modelDir, 'model.json'));
    expect(run.stderr).toMatch(/train the model again/);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it.concurrent('says a model from another version is not supported, naming the version', async ({ expect }) => {
    const modelDir = path('old-model');
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, 'model.json'), JSON.stringify({ format: 'logsleuth-model', version: 0, id: 'm-old' }));

    const run = await logsleuth(['detect', INCIDENT, '--model', modelDir, '--no-store']);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/version 0/);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });
});

describe('logsleuth analyze on text logs', () => {
  /** HDFS-like block logs: every line names its block; block 7 of the input breaks in a way never seen. */
  function blockLog(blocks: number, offset: number, broken?: number): string[] {
    const lines: string[] = [];
    for (let b = 0; b < blocks; b++) {
      const id = `blk_-${offset + b * 7919}`;
      lines.push(`Receiving block ${id} src: /10.0.${b % 4}.${b % 200}:50010 dest: /10.0.9.${b % 50}:50010`);
      lines.push(`PacketResponder ${b % 3} for block ${id} terminating`);
      if (b === broken) lines.push(`Exception in receiveBlock for block ${id} java.io.IOException: Connection reset by peer`);
      lines.push(`Received block ${id} of size ${67108864 - (b % 5) * 1024} from /10.0.${b % 4}.${b % 200}`);
      lines.push(`Deleting block ${id} file /data/dfs/current/subdir${b % 60}/${id}`);
      // Blocks interleave with unrelated traffic, so a window would not be the block's story.
      lines.push(`Heartbeat from datanode 10.0.9.${b % 50} in ${b % 9} ms`);
    }
    return lines;
  }

  it.concurrent('groups records into sessions with --session-regex and shows the whole block as context', async ({ expect }) => {
    await writeFile(path('hdfs-base.log'), `${blockLog(300, 1000).join('\n')}\n`);
    const input = blockLog(60, 900000, 7);
    await writeFile(path('hdfs-input.log'), `${input.join('\n')}\n`);
    const brokenId = `blk_-${900000 + 7 * 7919}`;
    const blockLines = input.flatMap((text, i) => (text.includes(`${brokenId} `) || text.endsWith(brokenId) ? [i + 1] : []));

    const run = await logsleuth(['analyze', path('hdfs-input.log'), '--baseline', path('hdfs-base.log'), '--session-regex', 'blk_-?\\d+', '--json', '--no-store']);

    expect(run.code).toBe(0);
    const result = parseResult(run.stdout);
    const found = result.anomalies.find((a) => a.template.startsWith('Exception in receiveBlock'));
    expect(found).toBeDefined();
    expect(found!.sessionId).toBe(brokenId);
    expect(found!.context.contextType).toBe('FULL_SESSION');
    expect(found!.context.logs.map((l) => l.line)).toEqual(blockLines);
    expect(found!.context.totalLogsInSession).toBe(blockLines.length);
  });

  it.concurrent('says plainly, without --baseline, that it trained on the input itself', async ({ expect }) => {
    const run = await logsleuth(['analyze', small, '--top', '0', '--no-store']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no --baseline: trained on the input itself/);
    expect(run.stdout).toMatch(/only outliers within it can be found/);
  });
});
