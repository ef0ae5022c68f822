import { describe, expect, it } from 'vitest';
import { newTemplateCandidates, type NewTemplateInfo } from '../../../shared/detect/new-templates.ts';
import { LEVEL_RANK } from '../../../shared/detect/findings.ts';

const info = (ordinal: number, count: number, worst = LEVEL_RANK.INFO, extra: Partial<NewTemplateInfo> = {}): NewTemplateInfo => ({
  count, ordinal, worst, first: [{ source: 'a.log', line: ordinal + 1 }], ...extra,
});

describe('NEW_TEMPLATE findings', () => {
  const known = [
    { id: 't-known-get', template: 'GET /api/orders/{num}' },
    { id: 't-known-fail', template: 'Failed password for {*} from {ip} port {num} ssh2' },
  ];

  it('makes clusters that ended with the same template text one finding, with their counts added', () => {
    const texts = ['Disk quota exceeded on volume {path}', 'Disk quota exceeded on volume {path}', 'Cache warmed in region {*}'];
    const infos = [info(5, 2, LEVEL_RANK.ERROR), info(9, 3, LEVEL_RANK.ERROR), info(1, 1)];

    const found = newTemplateCandidates(infos, (f) => texts[f]!, (f) => `t${f}`, known);

    expect(found.map((c) => [c.template, c.count, c.ordinal])).toEqual([
      ['Disk quota exceeded on volume {path}', 5, 5],
      ['Cache warmed in region {*}', 1, 1],
    ]);
  });

  it('reports a template one token away from a known one as a variant of it, not a new family', () => {
    const texts = ['GET /api/orders/{num}/items', 'GET /api/orders/{num} {num}', 'Failed password for invalid user {*} from {ip} port {num} ssh2'];

    const found = newTemplateCandidates([undefined, info(3, 4), info(4, 2, LEVEL_RANK.WARN)], (f) => texts[f]!, (f) => `t${f}`, known);

    const variant = found.find((c) => c.templateId === 't-known-get')!;
    expect(variant.reason.detail).toMatch(/variant of the known template "GET \/api\/orders\/\{num\}"/);
    expect(variant.count).toBe(4);
    // Two tokens more than the known sshd template: a family of its own.
    expect(found.find((c) => c.template.startsWith('Failed password for invalid'))!.templateId).toBe('t2');
  });

  it('ranks by severity: ERROR above WARN above INFO, and a few INFO records below a weak spike (0.58)', () => {
    const texts = ['a b c', 'd e f', 'g h i', 'j k l'];
    const infos = [info(0, 1, LEVEL_RANK.ERROR), info(1, 1, LEVEL_RANK.WARN), info(2, 2), info(3, 1, -1, { troubleWords: true })];

    const [error, warn, quiet, wordy] = newTemplateCandidates(infos, (f) => texts[f]!, (f) => `t${f}`, []).map((c) => c.reason.score);

    expect(error).toBeGreaterThan(warn!);
    expect(warn).toBeGreaterThan(quiet!);
    expect(quiet).toBeLessThan(0.58);
    expect(wordy).toBe(warn);
  });
});
