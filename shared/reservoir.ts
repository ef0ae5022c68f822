import { createRandom } from './random.ts';

/** A seeded reservoir sample: memory stays bounded however long the input. */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  private readonly random: () => number;
  constructor(private readonly limit: number, seed: number) {
    this.random = createRandom(seed);
  }
  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.limit) this.items.push(item);
    else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.limit) this.items[slot] = item;
    }
  }
}
