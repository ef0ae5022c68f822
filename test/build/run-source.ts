// The CLI from its TypeScript sources (node --import tsx test/build/run-source.ts ...), as bin/logsleuth.js runs the bundle.
import { main } from '../../cli/main.ts';

process.exitCode = await main(process.argv);
