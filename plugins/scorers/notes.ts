import { TAG_SEPARATOR } from '../../lib/model';
import { defineScorer } from '../../lib/scoring/scorer';

/** What staff keep for a customer on their page, for rules to read: their tags and do-not-contact. */
export default defineScorer({
  id: 'notes',
  version: 1,
  facts: {
    tags: {
      type: 'string',
      description: { en: 'The tags staff gave the customer, joined by ", " (read them with "hasTag"); empty when none', 'zh-CN': '客服为客户添加的客服标签，以“, ”连接（用 "hasTag" 判断）；无则为空' },
    },
    doNotContact: {
      type: 'boolean',
      description: { en: 'Staff marked the customer do-not-contact: no follow-ups are raised for them and exports leave them out', 'zh-CN': '客服标记为请勿联系：不生成跟进，导出时不包含' },
    },
  },
  score({ history }) {
    const tags = history.notes?.tags ?? [];
    return { tags: tags.length > 0 ? [...tags].sort().join(TAG_SEPARATOR) : null, doNotContact: history.notes?.doNotContact ?? false };
  },
});
