#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so there is no build step after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
