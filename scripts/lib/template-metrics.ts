/**
 * Log-parsing accuracy metrics, exactly as `shared/eval/eval_templates.py` defines them
 * (Loghub-2.0 benchmark, ISSTA'24): templates are compared as exact strings.
 */

/** Scores of one system. */
export interface TemplateScores {
  lines: number;
  gtTemplates: number;
  predTemplates: number;
  /** Grouping accuracy: share of lines whose GT group is exactly one predicted group. */
  GA: number;
  /** Parsing accuracy: share of lines whose predicted template text equals the GT text. */
  PA: number;
  /** F1 of group-level precision/recall of correct groups. */
  FGA: number;
  /** F1 of template-level precision/recall: a predicted template is right when it covers only GT lines of the same text. */
  FTA: number;
  PGA: number;
  RGA: number;
  PTA: number;
  RTA: number;
}

/**
 * `groundTruth[i]` is line i's GT template (`null` when empty: such lines count in PA's
 * denominator only); `predicted[i]` is line i's predicted template.
 */
export function scoreTemplates(groundTruth: readonly (string | null)[], predicted: readonly string[]): TemplateScores {
  if (groundTruth.length !== predicted.length) {
    throw new RangeError(`${groundTruth.length} ground-truth lines but ${predicted.length} predictions`);
  }
  let paCorrect = 0;
  const gtGroups = new Map<string, string[]>();
  const predGroups = new Map<string, Set<string>>();
  const predCount = new Map<string, number>();
  for (let i = 0; i < groundTruth.length; i++) {
    const t = groundTruth[i]!;
    const p = predicted[i]!;
    if (t === null) continue;
    if (t === p) paCorrect++;
    let g = gtGroups.get(t);
    if (g === undefined) gtGroups.set(t, (g = []));
    g.push(p);
    let s = predGroups.get(p);
    if (s === undefined) predGroups.set(p, (s = new Set()));
    s.add(t);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
  }
  const N = [...gtGroups.values()].reduce((sum, g) => sum + g.length, 0);
  let gaLines = 0;
  let gaGroups = 0;
  for (const ps of gtGroups.values()) {
    const distinct = new Set(ps);
    if (distinct.size === 1) {
      const p = ps[0]!;
      if (predCount.get(p) === ps.length) {
        gaLines += ps.length;
        gaGroups++;
      }
    }
  }
  let taCorrect = 0;
  for (const [p, ts] of predGroups) if (ts.size === 1 && ts.has(p)) taCorrect++;
  const PGA = gaGroups / predGroups.size;
  const RGA = gaGroups / gtGroups.size;
  const PTA = taCorrect / predGroups.size;
  const RTA = taCorrect / gtGroups.size;
  return {
    lines: groundTruth.length,
    gtTemplates: gtGroups.size,
    predTemplates: predGroups.size,
    GA: gaLines / N,
    PA: paCorrect / groundTruth.length,
    FGA: f1(PGA, RGA),
    FTA: f1(PTA, RTA),
    PGA,
    RGA,
    PTA,
    RTA,
  };
}

function f1(p: number, r: number): number {
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}
