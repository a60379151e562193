import { translator, type Language } from './i18n';
import type { Localised } from '../localised';

/** What Tiermark keeps, where, for how long, what its optional permissions do, and what a seller page can see: one list, in both languages. */
const SECTIONS: Array<{ id: string; title: Localised; points: Localised[] }> = [
  {
    id: 'nothing-sent',
    title: { en: 'Nothing is sent anywhere', 'zh-CN': '不向任何地方发送数据' },
    points: [
      {
        en: 'Tiermark makes no network requests: no account, no server, no analytics, no remote code. Your exports are read on this computer.',
        'zh-CN': 'Tiermark 不发出任何网络请求：无需注册、无服务器、无统计、不加载远程代码。订单报表只在本机读取。',
      },
    ],
  },
  {
    id: 'stored',
    title: { en: 'What is stored, and where', 'zh-CN': '保存了什么，保存在哪里' },
    points: [
      {
        en: "The orders read from your exports (order number, dates, status, amounts, items, and the buyer's id, name, email, phone and birthday where the export has them), each customer's figures, scores and rule outcomes, follow-ups and what staff did with them, your rule files, shops, the dates you keep for customers, and a record of each import (file name, size, fingerprint, counts).",
        'zh-CN': '从报表读取的订单（订单号、时间、状态、金额、商品，以及报表中有的买家账号、姓名、邮箱、电话和生日），每位客户的指标、评分和规则结果，跟进提醒及其处理状态，您的规则文件、店铺、为客户记录的重要日期，以及每次导入的记录（文件名、大小、指纹、计数）。',
      },
      {
        en: "All of it is in this browser profile's own database for Tiermark (IndexedDB) and its settings (extension storage). The export files themselves are not kept, nor any other browser data.",
        'zh-CN': '以上数据都保存在此浏览器配置中 Tiermark 专用的数据库（IndexedDB）和设置（扩展存储）里。不保存报表文件本身，也不读取其他浏览器数据。',
      },
    ],
  },
  {
    id: 'how-long',
    title: { en: 'For how long, and how to delete it', 'zh-CN': '保存多久，如何删除' },
    points: [
      {
        en: 'Until you delete it: Settings → "Delete all data" removes every order, customer, score, follow-up, rule file and import record at once; removing the extension removes everything too. A backup is a file you save yourself and keep where you choose.',
        'zh-CN': '直到您删除为止：“设置”中的“删除全部数据”会一次删除所有订单、客户、评分、跟进、规则文件和导入记录；卸载扩展也会删除全部数据。备份是您自己保存的文件，由您决定存放位置。',
      },
      {
        en: 'Exports (Segments page) are files you save yourself. To hand a list to someone who need not know who the customers are (最小必要, 匿名化), export it anonymised: each customer gets a pseudonymous id instead of their buyer id, names, emails and phones. The id is the same in every export of this shop, so groups can be matched to results later, and cannot be worked back to the customer without this shop\'s secret, which stays in its database (and its backups).',
        'zh-CN': '导出文件（“客户分群”页）由您自己保存。如需把名单交给无需知道客户身份的人（最小必要、匿名化），请选择匿名导出：每位客户以匿名编号代替买家账号、姓名、邮箱和手机号。同一店铺的每次导出中编号相同，便于之后对照结果；没有本店的密钥（只保存在其数据库和备份中）无法还原出客户。',
      },
    ],
  },
  {
    id: 'permissions',
    title: { en: 'What the optional permissions do', 'zh-CN': '可选权限的用途' },
    points: [
      {
        en: 'Access to a site you switch on (Sites page): the browser asks you for that one site. Tiermark then reads its pages on this computer to find your shop\'s order numbers, emails and buyer ids, and places badges there. It never asks for all websites.',
        'zh-CN': '访问您开启的网站（“站点”页）：浏览器会就该网站单独征求您的同意。之后 Tiermark 在本机读取该网站的页面，找出本店的订单号、邮箱和买家账号并显示标签。Tiermark 从不申请访问所有网站。',
      },
      {
        en: 'Notifications: only if you switch the daily reminder on (Settings), to say what is due today.',
        'zh-CN': '通知：仅在您开启每日提醒（“设置”）后使用，提示当天到期的跟进。',
      },
    ],
  },
  {
    id: 'pages',
    title: { en: 'What a seller page can see of the badges', 'zh-CN': '卖家页面能看到标签的哪些内容' },
    points: [
      {
        en: "Badges and cards are drawn in closed shadow roots, the tooltip inside them, and a card opens only for your own click or key. A page's scripts (including ads, chat and analytics widgets) can learn only what the badge shows anyone looking at the screen: that an element got a badge, the tier (the badge's accessible name, for screen readers) and its size. A script that writes guessed buyer names or order numbers into its page can learn which are your customers and their tier, never their spend, orders, scores or follow-ups.",
        'zh-CN': '标签和客户卡片绘制在封闭的 shadow root 中，提示也在其中，客户卡片只在您亲自点击或按键时打开。页面上的脚本（包括广告、客服和统计插件）只能知道屏幕上任何人都能看到的内容：某个元素有标签、等级名称（标签的无障碍名称，供读屏软件使用）和标签大小。若脚本在页面中写入猜测的买家名或订单号，可以得知其中哪些是您的客户及其等级，但无法得知其消费、订单、评分或跟进。',
      },
    ],
  },
];

/** The privacy page: what the stores' listing links to, in the seller's language. */
export function PrivacyPage({ language }: { language: Language }) {
  const t = translator(language);
  return (
    <section class="tm-page tm-privacy" aria-labelledby="privacy-title">
      <h1 id="privacy-title">{t('navPrivacy')}</h1>
      {SECTIONS.map((section) => (
        <div class="tm-card" data-privacy={section.id}>
          <h2>{section.title[language]}</h2>
          {section.points.map((point) => (
            <p>{point[language]}</p>
          ))}
        </div>
      ))}
    </section>
  );
}
