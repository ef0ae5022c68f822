import { describe, expect, it } from 'vitest';
import { JSON_PRESETS, TEXT_PRESETS, presetByName } from '../../../../shared/ingest/formats/registry.ts';

const NAMES = ['lambda', 'cloudwatch-export', 'cloudtrail', 'cloudwatch-subscription', 'lambda-json', 'docker-json'];

describe('Lambda, CloudWatch, CloudTrail and Docker presets together', () => {
  it('register the JSON presets most specific first', () => {
    expect(JSON_PRESETS.map((p) => p.name)).toEqual(['cloudtrail', 'cloudwatch-subscription', 'lambda-json', 'docker-json']);
  });

  it('list lambda among the specific text presets and cloudwatch-export, the most generic, last', () => {
    const names = TEXT_PRESETS.map((p) => p.name);
    expect(names).toContain('lambda');
    expect(names.at(-1)).toBe('cloudwatch-export');
  });

  it.each(NAMES)('%s explains duration, level, session, service and message', (name) => {
    const preset = presetByName(name)!;
    for (const role of ['duration', 'level', 'session', 'service', 'message']) {
      expect({ role, found: preset.mapping.some((line) => line.startsWith(`${role}:`)) }).toEqual({ role, found: true });
    }
  });

  it('declare what their records carry', () => {
    const provides = Object.fromEntries(NAMES.map((name) => [name, presetByName(name)!.provides]));
    expect(provides).toEqual({
      'lambda': { duration: true, level: true, session: true, service: false },
      'cloudwatch-export': { duration: true, level: true, session: true, service: false },
      'cloudtrail': { duration: false, level: true, session: true, service: true },
      'cloudwatch-subscription': { duration: true, level: true, session: true, service: true },
      'lambda-json': { duration: true, level: true, session: true, service: false },
      'docker-json': { duration: true, level: true, session: true, service: true },
    });
  });
});
