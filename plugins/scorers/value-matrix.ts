import { valueQuadrant } from '../../lib/value-matrix';
import { KeySample, type SampleTaken } from '../../lib/scoring/sample';
import { defineScorer, type Facts } from '../../lib/scoring/scorer';
import { median } from '../../lib/sorted';

interface ValueMatrixModel {
  /** The median predicted 12-month value of the shop's buyers (a sample of a big shop); null without CLV. */
  medianValue: number | null;
}

/** 客户价值矩阵: value × potential, from predicted 12-month value and P(alive) (lib/lifecycle.ts). */
export default defineScorer<ValueMatrixModel>({
  id: 'value-matrix',
  version: 1,
  after: ['history', 'bgnbd', 'gamma-gamma'],
  facts: {
    valueQuadrant: {
      type: 'string',
      description: {
        en: 'Value × potential: "develop" (high value, high potential), "retain" (high, low), "cultivate" (low, high), "maintain" (low, low); value is predicted 12-month value against the shop median, potential P(alive) ≥ 0.5',
        'zh-CN': '价值矩阵："develop" 重点发展（高价值高潜力）、"retain" 重点挽留（高价值低潜力）、"cultivate" 重点培养（低价值高潜力）、"maintain" 一般维持；价值为预测12个月价值对比全店中位数，潜力为存活概率 ≥ 0.5',
      },
    },
  },
  fit() {
    // The predicted values of a few customers only: each takes the models' work, and a sampled
    // customer held whole until the sample is chosen kept a walk's garbage alive (3 s of a million's).
    const sample = new KeySample<number | null>();
    return {
      add(member) {
        if (member.history.purchases > 0) sample.offer(member.history.customer.key, () => valueOf(member.facts));
      },
      model: () => ({ medianValue: medianValue(sample) }),
      taken: () => sample.taken(),
      join: (taken: SampleTaken<number | null>) => sample.join(taken),
    };
  },
  score({ facts }, model) {
    const { predictedClv365, pAlive } = facts;
    if (model.medianValue === null || typeof predictedClv365 !== 'number' || typeof pAlive !== 'number') return { valueQuadrant: null };
    return { valueQuadrant: valueQuadrant(predictedClv365, pAlive, model.medianValue) };
  },
});

const valueOf = ({ predictedClv365 }: Facts): number | null => (typeof predictedClv365 === 'number' ? predictedClv365 : null);

/** The median predicted value of the sampled buyers; null where none has one. */
function medianValue(sample: KeySample<number | null>): number | null {
  const values = sample.take().filter((value): value is number => value !== null);
  return values.length === 0 ? null : median(values);
}
