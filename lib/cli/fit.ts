import { createReadStream, readFileSync } from 'node:fs';
import { buildCustomers } from '../customers';
import { importToMemory } from '../import/collect';
import { InputError } from '../import/encoding';
import { both } from '../localised';
import type { StreamSettings } from '../import/stream';
import type { Order } from '../model';
import { minorDigits } from '../money';
import { historyFromOrders } from '../scoring/history';
import { DEFAULT_SCORE_SETTINGS } from '../scoring/scorer';
import { readSummary, spendRows, summariseOccasions, type ModelSummary, type TimeUnit } from '../scoring/summary';
import { endOfDay, localDayNumber } from '../time';
import { fitBgNbd } from '../../plugins/scorers/bgnbd';
import { fitGammaGamma } from '../../plugins/scorers/gamma-gamma';
import { importOption, options, UsageError } from './args';

export const FIT_USAGE = `  tiermark fit --model bgnbd|gamma-gamma
      (--summary FILE | --orders FILE [reading options as for score] --calibration-end YYYY-MM-DD)
      [--unit day|week]
      Fits a model by maximum likelihood and prints {"model", "params", "logLikelihood", "customers"}.
      A summary names its columns frequency,recency,T[,monetary_value] or x,t_x,T,zbar.`;

export interface FitArgs {
  model: 'bgnbd' | 'gamma-gamma';
  summary: string | null;
  orders: string | null;
  settings: StreamSettings;
  calibrationEnd: string | null;
  unit: TimeUnit;
}

export function parseFitArgs(argv: readonly string[]): FitArgs {
  const args: FitArgs = { model: 'bgnbd', summary: null, orders: null, settings: {}, calibrationEnd: null, unit: 'day' };
  let model: string | null = null;
  for (const { arg, value } of options(argv)) {
    if (arg === '--model') model = value();
    else if (arg === '--summary') args.summary = value();
    else if (arg === '--orders') args.orders = value();
    else if (arg === '--calibration-end') args.calibrationEnd = value();
    else if (arg === '--unit') {
      const unit = value();
      if (unit !== 'day' && unit !== 'week') throw new UsageError(`--unit ${unit}: expected day or week`);
      args.unit = unit;
    } else if (!importOption(arg, value, args.settings)) throw new UsageError(`Unknown option ${arg}`);
  }
  if (model !== 'bgnbd' && model !== 'gamma-gamma') throw new UsageError(`fit needs --model bgnbd or --model gamma-gamma${model ? ` (got ${model})` : ''}`);
  args.model = model;
  if (!args.summary === !args.orders) throw new UsageError('fit needs exactly one of --summary FILE or --orders FILE');
  if (args.orders && !args.calibrationEnd) throw new UsageError('fit --orders needs --calibration-end YYYY-MM-DD: the day the observation ends');
  if (args.calibrationEnd && !/^\d{4}-\d{2}-\d{2}$/.test(args.calibrationEnd)) throw new UsageError(`--calibration-end ${args.calibrationEnd}: expected a date like 1997-09-30`);
  return args;
}

/** The `fit` command: the model's parameters as JSON. */
export async function fit(args: FitArgs): Promise<string> {
  let rows: ModelSummary[];
  if (args.summary) {
    rows = readSummary(readFileSync(args.summary, 'utf8'));
  } else {
    const { orders, report } = await importToMemory(createReadStream(args.orders!, { highWaterMark: 1 << 16 }), args.settings, { keepItems: false });
    const zone = report.timeZone;
    const calibrationDay = localDayNumber(endOfDay(args.calibrationEnd!, zone), zone);
    const base = { asOf: endOfDay(args.calibrationEnd!, zone), asOfDay: calibrationDay, timeZone: zone, settings: DEFAULT_SCORE_SETTINGS };
    const byCustomer = new Map<string, Order[]>();
    for (const order of orders.values()) {
      if (order.customerKey === null) continue;
      let list = byCustomer.get(order.customerKey);
      if (!list) byCustomer.set(order.customerKey, (list = []));
      list.push(order);
    }
    const histories = [...byCustomer.values()];
    rows = [];
    buildCustomers(byCustomer).forEach((customer, i) => {
      const history = historyFromOrders(customer, histories[i]!, base);
      const digits = minorDigits(customer.currency);
      const summary = summariseOccasions(history.occasionDays, history.occasionSpendMinor.map((v) => v / 10 ** digits), calibrationDay, args.unit);
      if (summary) rows.push(summary);
    });
    if (rows.length === 0) throw new InputError(both(`No customer bought on or before ${args.calibrationEnd}.`, `${args.calibrationEnd} 及之前没有客户购买。`));
  }
  const result =
    args.model === 'bgnbd' ? fitBgNbd(rows) : (() => {
      const spend = spendRows(rows);
      if (spend.length === 0) throw new InputError(both('Gamma-Gamma needs repeat buyers with their mean spend (monetary_value or zbar), and there are none.', 'Gamma-Gamma 模型需要有平均消费（monetary_value 或 zbar）的回头客，但没有这样的客户。'));
      return fitGammaGamma(spend);
    })();
  return JSON.stringify({ model: args.model, params: result.params, logLikelihood: result.logLikelihood, customers: result.customers, converged: result.converged, unit: args.summary ? null : args.unit });
}
