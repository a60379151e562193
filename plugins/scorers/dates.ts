import { daysUntilYearly } from '../../lib/dates';
import { BIRTHDAY } from '../../lib/model';
import { defineScorer } from '../../lib/scoring/scorer';

/** 重要日期: days until the customer's birthday and until the next other date the seller keeps for them. */
export default defineScorer({
  id: 'dates',
  version: 1,
  facts: {
    daysUntilBirthday: {
      type: 'number', unit: 'days',
      description: { en: "Days until the customer's birthday (0 on the day), kept on their page or imported; empty when unknown", 'zh-CN': '距客户生日的天数（当天为0），来自客户页或导入；未知时为空' },
    },
    daysUntilKeptDate: {
      type: 'number', unit: 'days',
      description: { en: 'Days until the next other date kept for the customer (an anniversary…); empty when none', 'zh-CN': '距客户下一个其他重要日期（纪念日等）的天数；无则为空' },
    },
    keptDateName: {
      type: 'string',
      description: { en: 'The name of that next date, as the seller wrote it', 'zh-CN': '该重要日期的名称（商家填写）' },
    },
  },
  score({ history }, _model, ctx) {
    const kept = history.keptDates ?? [];
    const birthday = kept.find((date) => date.name === BIRTHDAY)?.monthDay ?? history.customer.birthday;
    let next: { name: string; days: number } | null = null;
    for (const date of kept) {
      if (date.name === BIRTHDAY) continue;
      const days = daysUntilYearly(date.monthDay, ctx.asOfDay);
      if (!next || days < next.days) next = { name: date.name, days };
    }
    return {
      daysUntilBirthday: birthday ? daysUntilYearly(birthday, ctx.asOfDay) : null,
      daysUntilKeptDate: next?.days ?? null,
      keptDateName: next?.name ?? null,
    };
  },
});
