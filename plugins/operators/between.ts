import { defineOperator } from '../../lib/engine/operators';

/** `[min, max]`, both ends included, as in Excel and SQL: "spend between 5000 and 10000". */
export default defineOperator({
  name: 'between',
  description: { en: 'is between [min, max], both included', 'zh-CN': '介于 [最小值, 最大值] 之间（含两端）' },
  facts: ['number'],
  value: 'range',
  evaluate: (fact, range) => typeof fact === 'number' && Array.isArray(range) && fact >= range[0] && fact <= range[1],
  against: (range) => {
    if (!Array.isArray(range)) return null;
    const [min, max] = range as [number, number];
    return (value) => typeof value === 'number' && value >= min && value <= max;
  },
});
