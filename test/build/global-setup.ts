/**
 * vitest globalSetup: builds dist/ once before the suite, so the CLI tests (which run
 * bin/logsleuth.js, as a user does) and the bundle tests never see a stale bundle.
 */
import { build } from '../../scripts/build.ts';

export default async function buildBundles(): Promise<void> {
  await build();
}
