/**
 * NEW_TEMPLATE findings, one per new event: templates new in this input are grouped by their final
 * template text (clusters that converged to the same text are one finding), and a new template one
 * token away from a known one (`/health` where the baseline had `{path}`, one extra number) is a
 * *variant* of that known template, reported under it instead of as a new family.
 */
import type { RecordRef } from './context.ts';
import type { Candidate } from './findings.ts';
import { LEVEL_RANK } from './findings.ts';
import type { Level } from '../ingest/record.ts';

/** What pass 1 counted for one new cluster. */
export interface NewTemplateInfo { count: number; first: RecordRef[]; ordinal: number; sessionId?: string; worst: number; troubleWords?: boolean }

/** A known template, for variant matching. */
export interface KnownTemplate { id: string; template: string }

interface Group { templateId: string; template: string; info: NewTemplateInfo; variantOf?: KnownTemplate; texts: Set<string> }

// Words that say a message reports a failure when its format gives it no level.
const TROUBLE = /\b(?:error|errors|fail(?:ed|ure|s)?|exception|fatal|panic|refused|denied|timed? ?out|unavailable|unreachable|corrupt(?:ed)?|crash(?:ed)?|abort(?:ed)?|killed|oom)\b/i;

/** Does a level-less message read like a failure? */
export function soundsLikeTrouble(message: string): boolean {
  return TROUBLE.test(message);
}

/**
 * Groups new clusters into findings: by final text, then variants of one known template together.
 * `templateOf(fresh)` / `idOf(fresh)` give a new cluster's final text and id.
 */
export function newTemplateCandidates(
  infos: readonly (NewTemplateInfo | undefined)[],
  templateOf: (fresh: number) => string,
  idOf: (fresh: number) => string,
  known: readonly KnownTemplate[],
): Candidate[] {
  const index = new KnownIndex(known);
  const groups = new Map<string, Group>();
  infos.forEach((info, fresh) => {
    if (!info) return;
    const template = templateOf(fresh);
    const variantOf = index.near(template);
    const key = variantOf ? `variant:${variantOf.id}` : `text:${template}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { templateId: variantOf?.id ?? idOf(fresh), template, info: { ...info, first: [...info.first] }, ...(variantOf && { variantOf }), texts: new Set([template]) });
      return;
    }
    merge(group.info, info);
    group.texts.add(template);
  });
  return [...groups.values()].map(toCandidate);
}

function merge(into: NewTemplateInfo, info: NewTemplateInfo): void {
  into.count += info.count;
  into.worst = Math.max(into.worst, info.worst);
  into.troubleWords = into.troubleWords || info.troubleWords;
  if (info.ordinal < into.ordinal) {
    into.ordinal = info.ordinal;
    into.first = [...info.first, ...into.first].slice(0, 3);
    if (info.sessionId !== undefined) into.sessionId = info.sessionId;
  } else if (into.first.length < 3) into.first.push(...info.first.slice(0, 3 - into.first.length));
  if (into.sessionId === undefined && info.sessionId !== undefined) into.sessionId = info.sessionId;
}

/**
 * The score says how much a person should care: errors first, then warnings (or level-less
 * messages that read like failures), then everything else, a little higher the more records it has.
 * An INFO template seen a few times ranks below spikes, bursts and error templates; a variant of a
 * known template ranks below a truly new one of the same level.
 */
function toCandidate(group: Group): Candidate {
  const { info, variantOf } = group;
  const levelName = info.worst >= 0 ? (Object.keys(LEVEL_RANK) as Level[])[info.worst] : undefined;
  const severe = info.worst >= LEVEL_RANK.ERROR;
  const warning = info.worst === LEVEL_RANK.WARN || (info.worst < 0 && info.troubleWords === true);
  const base = severe ? 0.9 : warning ? 0.72 : 0.4;
  const volume = severe || warning ? 0 : Math.min(0.12, 0.03 * Math.log10(1 + info.count));
  const score = Math.round((base + volume - (variantOf ? 0.15 : 0)) * 1000) / 1000;
  const what = variantOf
    ? `${info.count} record(s) of a variant of the known template "${variantOf.template}" (one token differs${group.texts.size > 1 ? `; ${group.texts.size} variants` : ''})`
    : `${info.count} record(s) match no baseline template`;
  return {
    ordinal: info.ordinal,
    at: info.first[0]!,
    ...(info.sessionId !== undefined && { sessionId: info.sessionId }),
    templateId: group.templateId,
    template: group.template,
    count: info.count,
    examples: info.first,
    reason: {
      type: 'NEW_TEMPLATE',
      score,
      detail: `${what}${levelName ? `; worst level ${levelName}` : warning ? '; its words report a failure' : ''}`,
    },
    extra: {},
  };
}

/** Known templates by token count, to find one a single token away from a new template. */
class KnownIndex {
  private readonly byLength = new Map<number, { known: KnownTemplate; tokens: string[] }[]>();

  constructor(known: readonly KnownTemplate[]) {
    for (const k of known) {
      const tokens = k.template.split(' ');
      const list = this.byLength.get(tokens.length) ?? [];
      list.push({ known: k, tokens });
      this.byLength.set(tokens.length, list);
    }
  }

  /** A known template one token away (replaced, added or dropped), if exactly one kind of match exists. */
  near(template: string): KnownTemplate | undefined {
    const tokens = template.split(' ');
    // Too short to tell a variant from a different message ("Started" vs "Stopped").
    if (tokens.length < 3) return undefined;
    for (const { known, tokens: other } of this.byLength.get(tokens.length) ?? []) {
      if (oneReplaced(tokens, other)) return known;
    }
    for (const { known, tokens: other } of this.byLength.get(tokens.length - 1) ?? []) {
      if (oneDropped(tokens, other)) return known;
    }
    for (const { known, tokens: other } of this.byLength.get(tokens.length + 1) ?? []) {
      if (oneDropped(other, tokens)) return known;
    }
    return undefined;
  }
}

/** Same length, exactly one position differs, and that position is a variable in at least one of them. */
function oneReplaced(a: string[], b: string[]): boolean {
  let differing = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (differing !== -1) return false;
    differing = i;
  }
  return differing !== -1 && (isVariable(a[differing]!) || isVariable(b[differing]!) || /\d/.test(a[differing]! + b[differing]!));
}

/** `longer` is `shorter` with one token more, and that token is a variable or a number. */
function oneDropped(longer: string[], shorter: string[]): boolean {
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i++;
  const extra = longer[i]!;
  if (!(isVariable(extra) || /\d/.test(extra))) return false;
  for (let j = i; j < shorter.length; j++) if (longer[j + 1] !== shorter[j]) return false;
  return true;
}

function isVariable(token: string): boolean {
  return token.includes('{');
}
