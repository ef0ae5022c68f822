/** The colour key under a chart. */
import { el } from '../dom.ts';

export function legend(entries: readonly { color: string; label: string }[]): HTMLDivElement {
  return el('div', { class: 'legend' }, entries.map((e) => el('span', {}, el('i', { style: `background:${e.color}` }), e.label)));
}
