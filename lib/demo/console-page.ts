import type { DemoOrder } from './shop';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A stand-in for Taobao's 已卖出的宝贝 list, built from the demo orders: the page a seller works in,
 * where Tiermark's badges will sit next to each buyer.
 */
export function demoConsolePage(orders: readonly DemoOrder[], count = 15): string {
  const rows = orders
    .slice(0, count)
    .map(
      (o) => `
      <tbody class="order-item" data-order-id="${escapeHtml(o.orderId)}">
        <tr class="order-head"><td colspan="5">
          <span class="order-time">${escapeHtml(o.createdAt)}</span>
          <span class="order-no">订单号：<a href="https://trade.taobao.com/trade/detail/trade_item_detail.htm?bizOrderId=${escapeHtml(o.orderId)}">${escapeHtml(o.orderId)}</a></span>
        </td></tr>
        <tr class="order-body">
          <td class="item">${escapeHtml(o.title)}</td>
          <td class="qty">×${o.quantity}</td>
          <td class="buyer"><span class="buyer-label">买家</span> <a class="buyer-nick" href="https://www.taobao.com/webww/ww.php?touid=${encodeURIComponent(o.nick)}">${escapeHtml(o.nick)}</a></td>
          <td class="status">${escapeHtml(o.status)}</td>
          <td class="amount">￥${(o.totalFen / 100).toFixed(2)}</td>
        </tr>
      </tbody>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>已卖出的宝贝 - 卖家中心</title>
<style>
body{font:13px/1.5 'PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;margin:0;background:#f2f2f2;color:#3c3c3c}
.top{background:#ff5000;color:#fff;padding:10px 24px;font-size:16px}
.wrap{max-width:1080px;margin:16px auto;background:#fff;padding:16px}
h1{font-size:18px;margin:0 0 12px}
table{width:100%;border-collapse:collapse}
.order-head td{background:#f5f5f5;padding:6px 10px;border-top:12px solid #fff;color:#666}
.order-no{margin-left:24px}
.order-body td{padding:10px;border-bottom:1px solid #eee}
.amount{font-weight:bold;color:#f40;text-align:right}
a{color:#3c3c3c}
</style></head>
<body><div class="top">卖家中心 · 小茶馆</div><div class="wrap"><h1>已卖出的宝贝</h1>
<table id="sold-list">${rows}</table></div></body></html>`;
}
