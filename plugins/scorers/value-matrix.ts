import { valueQuadrant } from '../../lib/value-matrix';
import { KeySample } from '../../lib/scoring/sample';
import { defineScorer, type Scored } from '../../lib/scoring/scorer';
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
  fit(population) {
    // The facts of a few customers only: predicted values take the models' work per customer.
    const sample = new KeySample<Scored>();
    for (const member of population) if (member.history.purchases > 0) sample.add(member.history.customer.key, member);
    const values = sample
      .take()
      .map((member) => member.facts.predictedClv365)
      .filter((value): value is number => typeof value === 'number');
    return { medianValue: values.length === 0 ? null : median(values) };
  },
  score({ facts }, model) {
    const { predictedClv365, pAlive } = facts;
    if (model.medianValue === null || typeof predictedClv365 !== 'number' || typeof pAlive !== 'number') return { valueQuadrant: null };
    return { valueQuadrant: valueQuadrant(predictedClv365, pAlive, model.medianValue) };
  },
});
