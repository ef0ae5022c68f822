/**
 * Runs the CLI from its TypeScript sources (`node --import tsx test/parallel/cli-from-source.ts …`),
 * so the worker threads run cli/parallel/worker.ts itself rather than a bundle built before.
 */
import { main } from '../../cli/main.ts';

process.exitCode = await main(process.argv);
