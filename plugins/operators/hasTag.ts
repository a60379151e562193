import { TAG_SEPARATOR } from '../../lib/model';
import { defineOperator } from '../../lib/engine/operators';

/** Whether the customer has a tag staff gave them: `{ "fact": "tags", "operator": "hasTag", "value": "价格敏感" }`. */
export default defineOperator({
  name: 'hasTag',
  description: { en: 'has the tag', 'zh-CN': '包含客服标签' },
  facts: ['string'],
  value: 'same',
  evaluate: (fact, tag) => typeof fact === 'string' && typeof tag === 'string' && fact.split(TAG_SEPARATOR).includes(tag.trim()),
  against: (tag) => {
    if (typeof tag !== 'string') return null;
    const wanted = tag.trim();
    return (tags) => typeof tags === 'string' && tags.split(TAG_SEPARATOR).includes(wanted);
  },
});
