/** The detection function's continuation settings, as the handler reads them at cold start. */
import { describe, expect, it } from 'vitest';
import { detectConfigSchema, loadConfig } from '../../../functions/lib/config.ts';

const env = { TABLE_NAME: 't', BUCKET_NAME: 'b', EXPLAIN_QUEUE_URL: 'http://q/explain', DETECT_QUEUE_URL: 'http://q/detect' };

describe('detection config', () => {
  it('caps a run at 50 continuations unless MAX_CONTINUATIONS says otherwise', () => {
    expect(loadConfig(detectConfigSchema, env).MAX_CONTINUATIONS).toBe(50);
    expect(loadConfig(detectConfigSchema, { ...env, MAX_CONTINUATIONS: '7' }).MAX_CONTINUATIONS).toBe(7);
  });

  it('names MAX_CONTINUATIONS when it is not a count', () => {
    expect(() => loadConfig(detectConfigSchema, { ...env, MAX_CONTINUATIONS: '-1' })).toThrow(/MAX_CONTINUATIONS/);
  });
});
