/**
 * The library facade (library/index.ts) against the CLI: the same input gives the same anomalies,
 * whether it comes as paths, a readable stream or an async iterable of records.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detect, loadModel, train, UserInputError, type Anomaly, type Explainer, type Model } from '../../library/index.ts';
import { LogsleuthError } from '../../shared/errors.ts';
import { logsleuth, ROOT, tempDir } from '../cli/helpers.ts';

const BASELINE = 'events/logs/baseline.jsonl';
const INCIDENT = 'events/logs/incident.jsonl';

/** What identifies a finding: id, type, template, anchor and its whole context. */
const identity = (anomalies: Anomaly[]) => anomalies.map((a) => ({ id: a.id, type: a.type, templateId: a.templateId, template: a.template, source: a.source, line: a.line, score: a.score, context: a.context }));

async function* recordsOf(path: string): AsyncGenerator<Record<string, unknown>> {
  for (const line of (await readFile(join(ROOT, path), 'utf8')).split('\n')) if (line.trim() !== '') yield JSON.parse(line) as Record<string, unknown>;
}

describe('the library', () => {
  let model: Model;
  let cli: { runId: string; anomalies: Anomaly[] };
  beforeAll(async () => {
    const run = await logsleuth(['analyze', INCIDENT, '--baseline', BASELINE, '--json', '--no-store']);
    expect(run.code).toBe(0);
    cli = JSON.parse(run.stdout);
    model = await train([join(ROOT, BASELINE)]);
  });

  it('finds the anomalies the CLI finds in the same files', async () => {
    const result = await detect([INCIDENT].map((p) => join(ROOT, p)), model, { runId: cli.runId });
    expect(cli.anomalies.length).toBeGreaterThan(0);
    // The CLI names sources as typed (relative); the library got absolute paths.
    const relativeSources = result.anomalies.map((a) => JSON.parse(JSON.stringify(a).replaceAll(`${ROOT}/`, '')) as Anomaly);
    expect(identity(relativeSources)).toEqual(identity(cli.anomalies));
    expect(result.anomalies.map((a) => a.explanation)).toEqual(cli.anomalies.map((a) => a.explanation));
  });

  it('gives the same anomalies for a path, a readable stream and an async iterable of records', async () => {
    const options = { runId: 'r-same-input' };
    const fromPath = await detect([INCIDENT], model, options);
    const fromStream = await detect([{ name: INCIDENT, data: createReadStream(join(ROOT, INCIDENT)) }], model, options);
    const fromRecords = await detect([{ name: INCIDENT, data: recordsOf(INCIDENT) }], model, options);
    expect(fromPath.anomalies.length).toBeGreaterThan(0);
    expect(identity(fromStream.anomalies)).toEqual(identity(fromPath.anomalies));
    expect(identity(fromRecords.anomalies)).toEqual(identity(fromPath.anomalies));
    expect(fromRecords.records).toBe(fromPath.records);
  });

  it('gives the same run id to the same bytes, as a path or a stream, and another to other bytes', async () => {
    const fromPath = await detect([INCIDENT], model, { explainer: false });
    const fromStream = await detect([{ name: INCIDENT, data: createReadStream(join(ROOT, INCIDENT)) }], model, { explainer: false });
    async function* oneRecordChanged() {
      let first = true;
      for await (const record of recordsOf(INCIDENT)) yield first ? (first = false, { ...record, message: `${String(record.message)}!` }) : record;
    }
    const otherBytes = await detect([{ name: INCIDENT, data: oneRecordChanged() }], model, { explainer: false });
    expect(fromStream.runId).toBe(fromPath.runId);
    expect(otherBytes.runId).not.toBe(fromPath.runId);
  });

  it('removes the temporary copies of streams when detection ends', async () => {
    const copies = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('logsleuth-library-'));
    const before = await copies();
    await detect([recordsOf(INCIDENT)], model);
    expect(await copies()).toEqual(before);
  });

  it('names unnamed streams stream-1, stream-2… in the results', async () => {
    const result = await detect([recordsOf(INCIDENT)], model);
    expect(result.anomalies.every((a) => a.source === null || a.source === 'stream-1')).toBe(true);
    expect(result.anomalies.some((a) => a.source === 'stream-1')).toBe(true);
  });

  it('asks a custom explainer about the top anomalies and uses the heuristic for the rest', async () => {
    const asked: string[] = [];
    const explainer: Explainer = async (anomaly) => {
      asked.push(anomaly.id);
      return { method: 'openai', summary: `custom ${anomaly.type}`, rootCause: 'r', causalChain: [], evidenceLines: [], confidence: 0.5, nextStep: 'n' };
    };
    const result = await detect([INCIDENT], model, { explainer, explainTop: 2 });
    expect(asked).toEqual(result.anomalies.slice(0, 2).map((a) => a.id));
    expect(result.anomalies.slice(0, 2).map((a) => a.explanation?.summary)).toEqual(result.anomalies.slice(0, 2).map((a) => `custom ${a.type}`));
    expect(result.anomalies.slice(2).every((a) => a.explanation?.method === 'heuristic')).toBe(true);
  });

  it('falls back to the heuristic, with a warning, when an explainer fails', async () => {
    const warnings: string[] = [];
    const failing: Explainer = async () => {
      throw new LogsleuthError('model unreachable');
    };
    const result = await detect([INCIDENT], model, { explainer: failing, explainTop: 1, onWarning: (w) => warnings.push(w) });
    expect(result.anomalies[0]!.explanation?.method).toBe('heuristic');
    expect(warnings).toEqual([expect.stringContaining('model unreachable')]);
  });

  it('saves a model the CLI can detect with, and loads it back', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = await model.save(join(dir, 'model'));
      expect(path).toBe(join(dir, 'model', 'models', 'local', model.id, 'model.json'));
      const loaded = await loadModel(join(dir, 'model'));
      expect(loaded.id).toBe(model.id);
      const run = await logsleuth(['detect', INCIDENT, '--model', join(dir, 'model'), '--json', '--no-store']);
      expect(run.code).toBe(0);
      const fromCli = JSON.parse(run.stdout) as { runId: string; anomalies: Anomaly[] };
      expect(identity((await detect([INCIDENT], loaded, { runId: fromCli.runId })).anomalies)).toEqual(identity(fromCli.anomalies));
      // Without a run id, the library composes the CLI's: the same files, model and options, the same ids.
      expect((await detect([INCIDENT], loaded)).runId).toBe(fromCli.runId);
      // A model directory's path does as well as a loaded model.
      expect((await detect([INCIDENT], join(dir, 'model'), { runId: fromCli.runId })).anomalies.map((a) => a.id)).toEqual(fromCli.anomalies.map((a) => a.id));
    } finally {
      await cleanup();
    }
  });

  it('tracks sessions by the field named in sessionIdField, as --session-field does', async () => {
    async function* records() {
      for (let i = 0; i < 60; i++) yield { message: `step ${i % 3} done`, txn: `t-${Math.floor(i / 3)}` };
    }
    const byDefault = await train([records()]);
    const byTxn = await train([records()], { sessionIdField: 'txn' });
    expect(byDefault.trainedOn.sessions).toBe(0);
    expect(byTxn.trainedOn.sessions).toBe(20);
    expect((await detect([records()], byTxn, { sessionIdField: ['missing', 'txn'] })).sessions).toBe(20);
  });

  it('refuses a session regex that would need backtracking, before reading anything', async () => {
    await expect(detect([INCIDENT], model, { sessionRegex: '(a+)+\\1' })).rejects.toThrow(UserInputError);
  });

  it('refuses a baseline without a single log record', async () => {
    await expect(train([(async function* () {})()])).rejects.toThrow(/no log records/);
  });
});
