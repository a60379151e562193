import type { Localised } from '../formats';

export type Language = 'en' | 'zh-CN';

const STRINGS = {
  appTagline: { en: 'Customer tiers and history, on your machine', 'zh-CN': '客户分级与历史，只保存在本机' },
  navImport: { en: 'Import', 'zh-CN': '导入订单' },
  customers: { en: 'Customers', 'zh-CN': '客户' },
  orders: { en: 'Orders', 'zh-CN': '订单' },
  navRules: { en: 'Rules', 'zh-CN': '规则' },
  navSites: { en: 'Sites', 'zh-CN': '站点' },
  sitesTitle: { en: 'Where badges appear', 'zh-CN': '标签显示的网站' },
  sitesIntro: {
    en: 'Tiermark badges buyers on the seller consoles it knows. Switch it on for another back office (an ERP, 旺店通, 聚水潭, your WooCommerce admin) and it marks the order numbers, emails and buyer ids of your shop it finds there. The page is read on this computer only.',
    'zh-CN': 'Tiermark 会在已支持的卖家后台为买家显示标签。为其他后台（ERP、旺店通、聚水潭、WooCommerce 后台等）开启后，会在页面中找出本店的订单号、邮箱和买家账号并显示标签。页面内容只在本机读取。',
  },
  sitesKnown: { en: 'Consoles Tiermark knows', 'zh-CN': '已支持的后台' },
  customTitle: { en: 'Describe a console', 'zh-CN': '自定义后台' },
  customIntro: {
    en: 'On a site you switched on, tell Tiermark where the order rows are and where the identifier stands in each; badges then go right after it.',
    'zh-CN': '在已开启的网站上，指定订单行和行内标识（订单号、买家账号或邮箱）的位置，标签会显示在标识之后。',
  },
  customPages: { en: 'Pages', 'zh-CN': '页面' },
  customRows: { en: 'Row selector', 'zh-CN': '行选择器' },
  customIdentifier: { en: 'Identifier selector', 'zh-CN': '标识选择器' },
  customRegex: { en: 'Pattern (optional)', 'zh-CN': '正则（可选）' },
  customSave: { en: 'Save', 'zh-CN': '保存' },
  customRemove: { en: 'Remove', 'zh-CN': '删除' },
  sitesEnabled: { en: 'Sites you switched on', 'zh-CN': '已开启的网站' },
  siteAddress: { en: 'Address', 'zh-CN': '网址' },
  siteEnable: { en: 'Switch on', 'zh-CN': '开启' },
  siteDisable: { en: 'Switch off', 'zh-CN': '关闭' },
  sitesNone: { en: 'None yet.', 'zh-CN': '暂无。' },
  siteInvalid: { en: 'Enter a web address such as https://erp.example.com', 'zh-CN': '请输入网址，例如 https://erp.example.com' },
  siteDenied: { en: 'The browser did not allow access to that site, so Tiermark stays off there.', 'zh-CN': '浏览器未授权访问该网站，Tiermark 不会在该网站运行。' },
  rulesTitle: { en: 'Rule files', 'zh-CN': '规则文件' },
  rulesIntro: {
    en: 'Tiers, badges, treatments and follow-ups come from these files. Turning one off or on rescores every customer.',
    'zh-CN': '会员等级、标签、服务待遇和跟进提醒都来自这些规则文件。开启或关闭后会为所有客户重新评分。',
  },
  ruleFileEnabled: { en: 'On', 'zh-CN': '启用' },
  ruleFileEdited: { en: 'edited', 'zh-CN': '已修改' },
  'event-tier': { en: 'Tier', 'zh-CN': '会员等级' },
  'event-badge': { en: 'Badge', 'zh-CN': '标签' },
  'event-treatment': { en: 'Treatment', 'zh-CN': '服务待遇' },
  'event-follow-up': { en: 'Follow-up', 'zh-CN': '跟进提醒' },
  scoring: { en: 'Scoring customers…', 'zh-CN': '正在为客户评分…' },
  scoredAt: { en: 'Scored', 'zh-CN': '评分于' },
  scoringFailed: { en: 'Scoring failed', 'zh-CN': '评分失败' },
  ruleFilesSkipped: { en: 'rule files skipped for problems', 'zh-CN': '个规则文件有错误，已跳过' },
  importTitle: { en: 'Import order exports', 'zh-CN': '导入订单报表' },
  importIntro: {
    en: 'Drop the order exports of your shop here (Taobao/Tmall, JD, Douyin, Shopify, WooCommerce, Amazon or any CSV). They are read on this computer and never uploaded.',
    'zh-CN': '把店铺的订单导出文件拖到这里（淘宝/天猫、京东、抖店、Shopify、WooCommerce、亚马逊或任意 CSV）。文件只在本机读取，不会上传。',
  },
  dropHere: { en: 'Drop files here, or', 'zh-CN': '拖入文件，或' },
  chooseFiles: { en: 'choose files', 'zh-CN': '选择文件' },
  detected: { en: 'Detected', 'zh-CN': '识别为' },
  encoding: { en: 'Encoding', 'zh-CN': '编码' },
  delimiter: { en: 'Separator', 'zh-CN': '分隔符' },
  timeZone: { en: 'Time zone', 'zh-CN': '时区' },
  previewOf: { en: 'First orders as they will be imported', 'zh-CN': '导入后的前几个订单' },
  partialPreview: { en: 'Preview of the start of the file.', 'zh-CN': '预览文件开头部分。' },
  firstRowTooLong: {
    en: 'The first order row is longer than the preview reads (256 KB), which no real order is. The import will check it and say what is wrong.',
    'zh-CN': '第一行订单超过了预览读取的长度（256 KB），正常订单不会这么长。导入时会检查并说明问题所在。',
  },
  orderId: { en: 'Order', 'zh-CN': '订单号' },
  buyer: { en: 'Buyer', 'zh-CN': '买家' },
  date: { en: 'Date', 'zh-CN': '下单时间' },
  status: { en: 'Status', 'zh-CN': '状态' },
  total: { en: 'Total', 'zh-CN': '金额' },
  refunded: { en: 'Refunded', 'zh-CN': '退款' },
  items: { en: 'Items', 'zh-CN': '商品' },
  noBuyer: { en: '(no buyer)', 'zh-CN': '（无买家）' },
  mapping: { en: 'Columns', 'zh-CN': '列对应' },
  mappingHelp: {
    en: 'Tell Tiermark which column holds what. Amount is the line or order total; price is a unit price multiplied by quantity.',
    'zh-CN': '指定每一项对应的列。金额为行或订单合计；单价会乘以数量。',
  },
  notMapped: { en: '— none —', 'zh-CN': '— 不使用 —' },
  firstRowIsHeader: { en: 'First row is a header', 'zh-CN': '第一行是表头' },
  columnNumber: { en: 'Column', 'zh-CN': '第几列：' },
  delimiterAuto: { en: 'Automatic', 'zh-CN': '自动' },
  delimiterComma: { en: 'Comma (,)', 'zh-CN': '逗号 (,)' },
  delimiterTab: { en: 'Tab', 'zh-CN': '制表符 (Tab)' },
  delimiterSemicolon: { en: 'Semicolon (;)', 'zh-CN': '分号 (;)' },
  delimiterPipe: { en: 'Vertical bar (|)', 'zh-CN': '竖线 (|)' },
  delimiterWhitespace: { en: 'Spaces', 'zh-CN': '空格' },
  'field.customer': { en: 'Customer (buyer id)', 'zh-CN': '客户（买家ID）' },
  'field.order': { en: 'Order id', 'zh-CN': '订单号' },
  'field.date': { en: 'Order date', 'zh-CN': '下单时间' },
  'field.amount': { en: 'Amount', 'zh-CN': '金额' },
  'field.price': { en: 'Unit price', 'zh-CN': '单价' },
  'field.currency': { en: 'Currency', 'zh-CN': '币种' },
  'field.status': { en: 'Status', 'zh-CN': '订单状态' },
  'field.item': { en: 'Item', 'zh-CN': '商品' },
  'field.quantity': { en: 'Quantity', 'zh-CN': '数量' },
  dateFormat: { en: 'Date format', 'zh-CN': '日期格式' },
  dateFormatHelp: { en: 'e.g. yyyy-MM-dd HH:mm or dd/MM/yyyy; empty = automatic', 'zh-CN': '例如 yyyy-MM-dd HH:mm 或 dd/MM/yyyy；留空为自动' },
  importButton: { en: 'Import', 'zh-CN': '开始导入' },
  importAll: { en: 'Import all', 'zh-CN': '全部导入' },
  remove: { en: 'Remove', 'zh-CN': '移除' },
  cancel: { en: 'Cancel', 'zh-CN': '取消' },
  hashing: { en: 'Checking the file…', 'zh-CN': '正在校验文件…' },
  reading: { en: 'Reading rows', 'zh-CN': '读取中' },
  saving: { en: 'Saving orders', 'zh-CN': '保存订单' },
  rebuilding: { en: 'Updating customers', 'zh-CN': '更新客户' },
  rowsPerSecond: { en: 'rows/s', 'zh-CN': '行/秒' },
  eta: { en: 'left', 'zh-CN': '剩余' },
  resultTitle: { en: 'Imported', 'zh-CN': '导入完成' },
  rowsRead: { en: 'Rows read', 'zh-CN': '读取行数' },
  rowsImported: { en: 'Rows imported', 'zh-CN': '导入行数' },
  rowsRejected: { en: 'Rows rejected', 'zh-CN': '拒绝行数' },
  ordersAdded: { en: 'New orders', 'zh-CN': '新增订单' },
  ordersUpdated: { en: 'Updated orders', 'zh-CN': '更新订单' },
  customersTouched: { en: 'Customers updated', 'zh-CN': '更新客户数' },
  downloadRejected: { en: 'Download rejected rows (CSV)', 'zh-CN': '下载被拒绝的行（CSV）' },
  row: { en: 'Row', 'zh-CN': '行' },
  reason: { en: 'Reason', 'zh-CN': '原因' },
  ledgerTitle: { en: 'Import history', 'zh-CN': '导入记录' },
  ledgerEmpty: { en: 'Nothing imported yet. Start with an order export from your seller console.', 'zh-CN': '还没有导入记录。请先从卖家后台导出订单报表。' },
  file: { en: 'File', 'zh-CN': '文件' },
  when: { en: 'When', 'zh-CN': '时间' },
  format: { en: 'Format', 'zh-CN': '格式' },
  result: { en: 'Result', 'zh-CN': '结果' },
  'status.running': { en: 'Running', 'zh-CN': '进行中' },
  'status.committing': { en: 'Saving', 'zh-CN': '保存中' },
  'status.complete': { en: 'Complete', 'zh-CN': '完成' },
  'status.duplicate': { en: 'Already imported: nothing new', 'zh-CN': '已导入过：无新内容' },
  'status.failed': { en: 'Failed', 'zh-CN': '失败' },
  'status.cancelled': { en: 'Cancelled', 'zh-CN': '已取消' },
  'status.interrupted': { en: 'Incomplete (interrupted)', 'zh-CN': '未完成（被中断）' },
  'order.unpaid': { en: 'Unpaid', 'zh-CN': '待付款' },
  'order.paid': { en: 'Paid', 'zh-CN': '已付款' },
  'order.shipped': { en: 'Shipped', 'zh-CN': '已发货' },
  'order.completed': { en: 'Completed', 'zh-CN': '交易成功' },
  'order.cancelled': { en: 'Cancelled', 'zh-CN': '交易关闭' },
  'order.refunded': { en: 'Refunded', 'zh-CN': '已退款' },
  language: { en: '中文', 'zh-CN': 'English' },
  formatAuto: { en: 'Automatic', 'zh-CN': '自动识别' },
} satisfies Record<string, Localised>;

export type MessageId = keyof typeof STRINGS;

export function preferredLanguage(): Language {
  const saved = globalThis.localStorage?.getItem('tiermark.language');
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function saveLanguage(language: Language): void {
  globalThis.localStorage?.setItem('tiermark.language', language);
}

export function translator(language: Language) {
  return (id: MessageId) => STRINGS[id][language];
}

export function localised(text: Localised, language: Language): string {
  return text[language];
}
