import { describe, expect, it } from 'vitest';
import { albPreset } from '../../../../shared/ingest/formats/alb.ts';
import { cloudfrontPreset } from '../../../../shared/ingest/formats/cloudfront.ts';
import { elbClassicPreset } from '../../../../shared/ingest/formats/elb-classic.ts';
import { TEXT_PRESETS } from '../../../../shared/ingest/formats/registry.ts';
import { s3AccessPreset } from '../../../../shared/ingest/formats/s3-access.ts';
import { vpcFlowPreset } from '../../../../shared/ingest/formats/vpc-flow.ts';
import { SAMPLES, readCount } from './aws-samples.ts';

const AWS = [albPreset, elbClassicPreset, cloudfrontPreset, s3AccessPreset, vpcFlowPreset];

describe('AWS text presets together', () => {
  it('are registered first among the text presets, most specific first', () => {
    expect(TEXT_PRESETS.slice(0, AWS.length).map((p) => p.name)).toEqual(['alb', 'elb-classic', 'cloudfront', 's3-access', 'vpc-flow']);
  });

  it.each(AWS.map((preset) => [preset.name, preset] as const))('%s reads every line of its own sample', (name, preset) => {
    expect(readCount(preset, SAMPLES[name]!)).toBe(SAMPLES[name]!.length);
  });

  it.each(AWS.map((preset) => [preset.name, preset] as const))("%s reads no line of the other presets' samples", (name, preset) => {
    for (const [other, lines] of Object.entries(SAMPLES)) {
      if (other !== name) expect({ other, read: readCount(preset, lines) }).toEqual({ other, read: 0 });
    }
  });

  it.each(AWS.map((preset) => [preset.name, preset] as const))('%s explains duration, level, session, service and message', (_name, preset) => {
    for (const role of ['duration', 'level', 'session', 'service', 'message']) {
      expect(preset.mapping.some((line) => line.startsWith(`${role}:`))).toBe(true);
    }
  });
});
