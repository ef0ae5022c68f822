/** Where the nightly job keeps what it writes in the bucket. */

export const ROLLING_PREFIX = 'rolling/';
export const REPORTS_PREFIX = 'reports/';
/** `rolling/<source>/days/<day>.json`: one day's template statistics (a Baseline), incidents left out. */
export const daySliceKey = (source: string, day: string): string => `${ROLLING_PREFIX}${source}/days/${day}.json`;
/** `rolling/<source>/rebuilt/<day>.json`: the model a past day was rolled into (it did not become current). */
export const rebuiltDayKey = (source: string, day: string): string => `${ROLLING_PREFIX}${source}/rebuilt/${day}.json`;
/** `reports/<day>/<source>.html`: one source's report of one day (each source's nightly job writes its own). */
export const reportKey = (day: string, source: string): string => `${REPORTS_PREFIX}${day}/${source}.html`;
