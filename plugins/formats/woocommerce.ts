import { defineOrderFormat } from '../../lib/formats';
import type { OrderStatus } from '../../lib/model';
import { RowReader } from '../../lib/import/row-reader';
import { statusFromText } from '../../lib/status';

/** Order statuses as WooCommerce writes them in the admin's language (en, fr, de, es, zh-CN), lower case. */
const STATUSES: Record<string, OrderStatus> = {
  pending: 'unpaid', 'pending payment': 'unpaid', 'on-hold': 'unpaid', 'on hold': 'unpaid', processing: 'paid', completed: 'completed',
  cancelled: 'cancelled', failed: 'cancelled', refunded: 'refunded', draft: 'unpaid', 'checkout-draft': 'unpaid',
  'attente paiement': 'unpaid', 'paiement en attente': 'unpaid', 'en attente': 'unpaid', 'en cours': 'paid', terminée: 'completed', terminé: 'completed',
  annulée: 'cancelled', annulé: 'cancelled', remboursée: 'refunded', remboursé: 'refunded', échouée: 'cancelled', échoué: 'cancelled', brouillon: 'unpaid',
  'zahlung ausstehend': 'unpaid', wartend: 'unpaid', 'in wartestellung': 'unpaid', angehalten: 'unpaid', 'in bearbeitung': 'paid', abgeschlossen: 'completed',
  fertiggestellt: 'completed', storniert: 'cancelled', rückerstattet: 'refunded', zurückerstattet: 'refunded', fehlgeschlagen: 'cancelled', entwurf: 'unpaid',
  'pendiente de pago': 'unpaid', pendiente: 'unpaid', 'en espera': 'unpaid', procesando: 'paid', 'en proceso': 'paid', completado: 'completed', completada: 'completed',
  cancelado: 'cancelled', cancelada: 'cancelled', reembolsado: 'refunded', reembolsada: 'refunded', fallido: 'cancelled', fallida: 'cancelled', borrador: 'unpaid',
  等待付款: 'unpaid', 待付款: 'unpaid', 保留: 'unpaid', 暂停: 'unpaid', 处理中: 'paid', 已完成: 'completed', 已取消: 'cancelled', 已退款: 'refunded', 失败: 'cancelled', 草稿: 'unpaid',
};

// Header names in English and in the admin languages sellers use (Analytics downloads are translated).
const ORDER = ['Order Number', 'Order ID', 'Order #', 'order_id', 'order_number', 'Commande n°', 'N° de commande', 'Numéro de commande', 'Bestellung #', 'Bestellnummer', 'Pedido #', 'Nº de pedido', 'Número de pedido', '订单 #', '订单#', '订单号'];
const EMAIL = ['Email (Billing)', 'Billing Email', 'Billing Email Address', 'Customer Email', 'billing_email', 'E-mail (facturation)', 'E-Mail (Rechnung)', 'Correo electrónico (facturación)', '电子邮件（账单）'];
const CUSTOMER = ['Customer', 'Customer Name', 'Client', 'Kunde', 'Cliente', '客户'];
const CUSTOMER_TYPE = ['Customer type', 'Type de client', 'Kundentyp', 'Tipo de cliente', '客户类型'];
const PRODUCTS = ['Product(s)', 'Produit(s)', 'Produkt(e)', 'Producto(s)', '产品'];
const ITEMS_SOLD = ['Items sold', 'Articles vendus', 'Verkaufte Artikel', 'Artículos vendidos', '已售商品', '售出商品'];
const NET_SALES = ['Net Sales', 'Ventes nettes', 'Nettoumsatz', 'Ventas netas', '净销售额'];
const DATE = ['Order Date', 'Date', 'Date Created', 'order_date', 'Datum', 'Fecha', '日期'];
const STATUS = ['Order Status', 'Status', 'status', 'État', 'Statut', 'Estado', '状态'];

/**
 * WooCommerce: the order-export plugins (one row per line item, order fields repeated) and
 * Analytics → Orders → Download (one row per order, the buyer by name only), with headers in the
 * admin's language. The buyer is the billing email; without one, the billing phone, then the name
 * (the import counts the orders each fallback identified).
 */
export default defineOrderFormat({
  id: 'woocommerce',
  title: { en: 'WooCommerce orders (export plugin or Analytics)', 'zh-CN': 'WooCommerce 订单（导出插件或 Analytics）' },
  platform: 'woocommerce',
  detect(columns) {
    if (!columns.has(...ORDER)) return 0;
    const plugin = columns.count('Order Status', 'Order Date', 'Order Total Amount', 'Order Total', 'Item Name', ...EMAIL);
    const analytics = [CUSTOMER_TYPE, NET_SALES, ITEMS_SOLD, PRODUCTS].filter((names) => columns.has(...names)).length;
    return Math.min(0.95, 0.3 + 0.12 * Math.max(plugin, analytics + 1));
  },
  mapper(columns, options) {
    const read = new RowReader(columns.header, options);
    const col = {
      order: columns.find(...ORDER),
      email: columns.find(...EMAIL),
      first: columns.find('First Name (Billing)', 'Billing First Name', 'billing_first_name'),
      last: columns.find('Last Name (Billing)', 'Billing Last Name', 'billing_last_name'),
      customer: columns.find(...CUSTOMER),
      phone: columns.find('Phone (Billing)', 'Billing Phone', 'billing_phone'),
      created: columns.find(...DATE),
      paidAt: columns.find('Paid Date', 'Date Paid'),
      completedAt: columns.find('Completed Date', 'Date Completed'),
      status: columns.find(...STATUS),
      total: columns.find('Order Total Amount', 'Order Total', 'order_total', ...NET_SALES),
      refund: columns.find('Order Refund Amount', 'Refund Amount', 'Order Refund'),
      currency: columns.find('Order Currency', 'Currency'),
      title: columns.find('Item Name', 'Product Name', ...PRODUCTS),
      sku: columns.find('SKU', 'Item SKU'),
      quantity: columns.find('Quantity (- Refund)', 'Quantity', 'Item Quantity', ...ITEMS_SOLD),
      price: columns.find('Item Cost', 'Item Price'),
    };
    return (row) => {
      const orderId = read.required(row, col.order, 'order number').replace(/^#/, '');
      const statusText = read.text(row, col.status).trim().toLowerCase().replace(/^wc-/, '');
      const status = STATUSES[statusText] ?? statusFromText(statusText);
      const currency = read.text(row, col.currency) || undefined;
      const name = read.text(row, col.customer) || [read.text(row, col.first), read.text(row, col.last)].filter(Boolean).join(' ');
      const title = read.text(row, col.title);
      const quantity = read.quantity(row, col.quantity);
      const email = read.text(row, col.email);
      const phone = read.text(row, col.phone);
      return {
        orderId,
        buyer: { email: email || undefined, name: name || undefined, phone: phone || undefined },
        // An export with an email column whose cell is empty: the phone, else the name, is the buyer (counted).
        buyerFrom: col.email >= 0 && !email ? (phone ? columns.header[col.phone]!.trim() : name ? 'the billing name' : undefined) : undefined,
        createdAt: read.requiredDate(row, col.created, 'order date'),
        paidAt: read.date(row, col.paidAt),
        deliveredAt: read.date(row, col.completedAt),
        // A status this reading does not know is read as paid, and the import counts and names it.
        status: status ?? 'paid',
        unknownStatus: status === null && statusText !== '' ? read.text(row, col.status).trim() : undefined,
        totalMinor: read.money(row, col.total, currency) ?? 0,
        refundedMinor: Math.abs(read.money(row, col.refund, currency) ?? 0),
        currency,
        item: title ? { sku: read.text(row, col.sku), title, quantity, priceMinor: read.money(row, col.price, currency) ?? 0 } : undefined,
      };
    };
  },
  // Analytics downloads carry only the buyer's name; it is the only key they allow (see buyerWarning).
  customerId: (buyer) => buyer.email?.toLowerCase() ?? buyer.phone ?? buyer.name,
  buyerWarning(columns) {
    if (columns.has(...EMAIL)) return null;
    return {
      en: 'This WooCommerce file has no billing email, so customers are keyed by name: two buyers with the same name count as one. Export with an order-export plugin that includes "Email (Billing)" for exact customers.',
      'zh-CN': '该 WooCommerce 文件没有账单邮箱，客户按姓名识别：同名买家会被视为同一人。请用包含 “Email (Billing)” 的订单导出插件导出。',
    };
  },
});
