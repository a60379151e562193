/**
 * The manifest's words in the browser's language (`_locales`): the name and description the
 * extensions page and the store show, and the toolbar button's title. The pages' own words are in
 * i18n.ts, where the seller can switch language.
 */
export const MANIFEST_MESSAGES = {
  en: {
    extName: 'Tiermark',
    extDescription: 'Customer tiers, scores and history next to every buyer in your seller console. Nothing leaves your machine.',
    actionTitle: 'Tiermark: this page, follow-ups due, find a customer',
  },
  zh_CN: {
    extName: 'Tiermark 客户分级',
    extDescription: '在卖家后台每位买家旁显示会员等级、客户细分和购买历史。数据只保存在本机。',
    actionTitle: 'Tiermark：当前页面、待跟进、查找客户',
  },
} as const;

/** The `_locales/<lang>/messages.json` files, as the extension formats want them. */
export function localeFiles(): Array<{ relativeDest: string; contents: string }> {
  return Object.entries(MANIFEST_MESSAGES).map(([lang, messages]) => ({
    relativeDest: `_locales/${lang}/messages.json`,
    contents: JSON.stringify(Object.fromEntries(Object.entries(messages).map(([key, message]) => [key, { message }])), null, 2),
  }));
}

/** The icon sizes the manifest names, each drawn from lib/ui/icon/icon.svg by tests/make/icons.ts. */
export const ICON_SIZES = [16, 32, 48, 128] as const;
