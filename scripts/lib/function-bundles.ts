/**
 * Loads a built Lambda bundle (dist/functions/<name>/index.mjs) the way the Lambda runtime's
 * cold start does: a fresh `node` process that imports it, with the source maps on as deployed
 * (NODE_OPTIONS=--enable-source-maps) and a configuration that passes every function's schema.
 * Used by the bundle tests and by the `lambda-init` bench phase.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { functionBundle } from '../build.ts';

/** Enough environment for every function's config to parse at module load (nothing is called). */
export const SAMPLE_FUNCTION_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'logsleuth-results',
  BUCKET_NAME: 'logsleuth-data',
  EXPLAIN_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/explain',
  DETECT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/detect',
  NIGHTLY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/nightly',
  CURSOR_SECRET: 'a-sample-cursor-secret-of-32-chars',
  POWERTOOLS_SERVICE_NAME: 'bundle-check',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** What a fresh process saw when it imported one bundle. */
export interface BundleImport {
  /** `typeof` the bundle's `handler` export. */
  handler: string;
  /** Time of the `import()` itself (module evaluation included), ms. */
  importMs: number;
  /** The process's peak RSS after the import, KB. */
  maxRssKb: number;
  /** The process's CPU time (user + system) up to then, µs. */
  cpuMicros: number;
}

/**
 * A JS expression, for a measured child process, of its own peak RSS in KB. On Linux,
 * getrusage's maxRSS keeps the high-water mark of the parent it was forked from (across exec),
 * so a child of a big process would report the parent's size: /proc/self/status's VmHWM is the
 * child's own. Needs `readFileSync` from node:fs in scope.
 */
export const OWN_PEAK_RSS_KB = `(() => { try { return Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]); } catch { return process.resourceUsage().maxRSS; } })()`;

// Runs in the child: import the bundle named by argv[1], then report on one JSON line.
const IMPORT_AND_REPORT = `
import { readFileSync } from 'node:fs';
const started = performance.now();
const module = await import(process.argv[1]);
const importMs = performance.now() - started;
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({ handler: typeof module.handler, importMs, maxRssKb: ${OWN_PEAK_RSS_KB}, cpuMicros: usage.userCPUTime + usage.systemCPUTime }) + '\\n');
`;

/** Imports the bundle of the Lambda `name` in a fresh node process; rejects with its stderr if that fails. */
export function importBundleInFreshNode(name: string): Promise<BundleImport> {
  const url = pathToFileURL(functionBundle(name)).href;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', IMPORT_AND_REPORT, url], {
      env: { PATH: process.env.PATH ?? '', ...SAMPLE_FUNCTION_ENV },
    }, (error, stdout, stderr) => {
      if (error) reject(new Error(`importing ${url} failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as BundleImport);
    });
  });
}
