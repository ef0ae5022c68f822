import { describe, expect, it } from 'vitest';
import { AsyncSeededCallError, withSeededMathRandom } from '../../../shared/forest/seeded-math-random.ts';
import { createRandom } from '../../../shared/random.ts';

describe('withSeededMathRandom', () => {
  it('gives the callback the seeded stream as Math.random and returns its result', () => {
    const expected = createRandom(7);
    const drawn = withSeededMathRandom(createRandom(7), () => [Math.random(), Math.random()]);

    expect(drawn).toEqual([expected(), expected()]);
  });

  it('puts the original Math.random back after the callback returns', () => {
    const original = Math.random;

    withSeededMathRandom(createRandom(1), () => Math.random());

    expect(Math.random).toBe(original);
  });

  it('puts the original Math.random back when the callback throws', () => {
    const original = Math.random;

    expect(() => withSeededMathRandom(createRandom(1), () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(Math.random).toBe(original);
  });

  it('refuses an async callback (a type error too), after restoring Math.random', () => {
    const original = Math.random;

    // @ts-expect-error a callback returning a promise does not type-check
    expect(() => withSeededMathRandom(createRandom(1), async () => Math.random())).toThrow(AsyncSeededCallError);
    expect(Math.random).toBe(original);
  });
});
