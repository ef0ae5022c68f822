/**
 * Debounced training: files uploaded together for one source make one training. The training
 * queue delays every message by a quiet period (SQS DeliveryDelay, infra/logsleuth-stack.ts); when
 * a message comes due, the training only goes ahead for the source's newest baseline object. A
 * message whose object has a newer sibling is dropped: that sibling's own message, due later,
 * trains on everything (trailing-edge debounce). Uploads closer together than the delay therefore
 * give one training, started one delay after the last of them.
 */
import type { ObjectInfo } from '../../ports.ts';

/**
 * The baseline object that makes the message for `key` redundant: the newest of `objects` (by
 * write time; equal times broken by key, so exactly one of a tie trains) when that is not `key`
 * itself. Undefined when `key` is the newest, is gone, or write times are unknown.
 */
export function supersededBy(objects: ObjectInfo[], key: string): ObjectInfo | undefined {
  const own = objects.find((o) => o.key === key);
  if (own?.lastModified === undefined) return undefined;
  return objects.filter((o) => o.key !== key && o.lastModified !== undefined
    && (o.lastModified > own.lastModified! || (o.lastModified === own.lastModified && o.key > key)))
    .sort((a, b) => b.lastModified! - a.lastModified! || b.key.localeCompare(a.key))[0];
}
