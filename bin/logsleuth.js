#!/usr/bin/env node
// Runs the prebuilt CLI bundle, dist/cli/main.mjs: scripts/build.ts makes it, and `npm ci` /
// `npm install` run that build through the `prepare` script (the tests rebuild it first too).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/main.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('logsleuth: the CLI is not built (dist/cli/main.mjs is missing): run `npm run build` (or `npm ci`) in the logsleuth folder\n');
  process.exit(1);
}
// Stack traces name the .ts sources only when asked for; reading source maps on every start costs time.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv);
