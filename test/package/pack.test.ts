/**
 * The installable package: `npm pack` (which builds, through `prepare`), then the tarball installed
 * into an empty project the way a user would, and used there as a CLI (`npx logsleuth`) and as a
 * typed library (an .mjs script, and a .ts file type-checked with tsc). The library must find the
 * anomalies the installed CLI finds in the same input.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../cli/helpers.ts';

const run = promisify(execFile);
/** npm and npx print nothing to ask for; the SDK's Node 20 warning is noise here. */
const ENV = { ...process.env, npm_config_update_notifier: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const SAMPLE = 'node_modules/logsleuth/events/logs/sample_logs.json';
const SAMPLE_BASELINE = 'node_modules/logsleuth/events/logs/sample_baseline.jsonl';
// The repository's bigger incident (not shipped), read from the checkout by absolute path.
const INCIDENT = join(ROOT, 'events/logs/incident.jsonl');
const INCIDENT_BASELINE = join(ROOT, 'events/logs/baseline.jsonl');

interface PackedFile { path: string; size: number }
interface Finding { id: string; type: string; templateId: string; template: string; source: string | null; line: number | null; context: unknown }

/** Prints, as JSON, the anomalies the library finds: argv = baseline, input, run id (to compare ids with a CLI run). */
const LIBRARY_SCRIPT = `
import { train, detect, loadModel } from 'logsleuth';
const [baseline, input, runId] = process.argv.slice(2);
const model = await train([baseline]);
await model.save('model/');
const result = await detect([input], await loadModel('model/'), { runId });
process.stdout.write(JSON.stringify(result.anomalies));
`;

/** The usage, typed; the expect-error line fails the check if the types were missing (any). */
const TYPED_USAGE = `
import { createReadStream } from 'node:fs';
import { train, detect, loadModel, bedrockExplainer, type Anomaly, type DetectionResult, type Explainer } from 'logsleuth';

const model = await train(['logs.json'], { contamination: 0.05 });
await model.save('model/');
const result: DetectionResult = await detect(['incident.json', createReadStream('more.log')], await loadModel('model/'), { sessionIdField: 'correlation_id' });
for (const a of result.anomalies) if (a.context.contextType === 'FULL_SESSION') console.log(a.context.sessionId, a.context.totalLogsInSession);
const mine: Explainer = async (anomaly: Anomaly) => ({ method: 'heuristic', summary: anomaly.template, rootCause: '', causalChain: [], evidenceLines: [], confidence: 1, nextStep: '' });
await detect([{ name: 's3://bucket/key', data: (async function* () { yield { message: 'hello' }; })() }], model, { explainer: mine });
await detect(['x.log'], model, { explainer: bedrockExplainer({ modelId: 'us.amazon.nova-micro-v1:0', region: 'us-east-1' }) });
// @ts-expect-error: z is a number
await detect(['x.log'], model, { z: 'five' });
`;

const identity = (anomalies: Finding[]) => anomalies.map(({ id, type, templateId, template, source, line, context }) => ({ id, type, templateId, template, source, line, context }));

describe('the packed package', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let files: PackedFile[];
  let tarball: string;
  let project: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: ENV, maxBuffer: 64 * 1024 * 1024 });
    // `prepare` (the build) prints before npm's JSON.
    const [summary] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1)) as { filename: string; files: PackedFile[] }[];
    files = summary!.files;
    tarball = join(dir, summary!.filename);
    project = join(dir, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, env: ENV });
  }, 240_000);
  afterAll(() => cleanup());

  const npx = (args: string[]) => run('npx', ['--no-install', 'logsleuth', ...args], { cwd: project, env: ENV, maxBuffer: 64 * 1024 * 1024 });
  const library = async (baseline: string, input: string, runId: string) => {
    const { stdout } = await run(process.execPath, ['library.mjs', baseline, input, runId], { cwd: project, env: ENV, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as Finding[];
  };

  it('holds the built bundles, the types, the README and the shipped sample, and no sources or tests', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'bin/logsleuth.js', 'dist/cli/main.mjs', 'dist/library/index.mjs', 'dist/types/library/index.d.ts',
      'events/logs/sample_logs.json', 'events/logs/sample_baseline.jsonl',
    ]));
    expect(paths.filter((p) => /^(test|shared|cli|functions|infra|scripts|library)\//.test(p) || p.startsWith('dist/functions/'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('events/'))).toHaveLength(2);
  });

  it('runs as `npx logsleuth` from the installed package', async () => {
    const { stdout } = await npx(['--help']);
    expect(stdout).toMatch(/Usage: logsleuth/);
    expect(stdout).toMatch(/analyze/);
  });

  it('finds, as a library, the anomalies the installed CLI finds, on the shipped sample and on a bigger incident', async () => {
    await writeFile(join(project, 'library.mjs'), LIBRARY_SCRIPT);
    for (const [input, baseline] of [[SAMPLE, SAMPLE_BASELINE], [INCIDENT, INCIDENT_BASELINE]] as const) {
      const cli = JSON.parse((await npx(['analyze', input, '--baseline', baseline, '--json', '--no-store'])).stdout) as { runId: string; anomalies: Finding[] };
      expect(cli.anomalies.length).toBeGreaterThan(0);
      expect(identity(await library(baseline, input, cli.runId))).toEqual(identity(cli.anomalies));
    }
  });

  it('type-checks a TypeScript file using the API with the shipped declarations', async () => {
    await writeFile(join(project, 'usage.ts'), TYPED_USAGE);
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    // @types/node from the repository: the API takes Node streams, so a user's project has them too.
    const checked = await run(tsc, ['--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict',
      '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), 'usage.ts'], { cwd: project }).catch((error: { stdout: string }) => error);
    expect(checked.stdout).toBe('');
  });
});
