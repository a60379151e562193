import type { Scorer } from '../../lib/scoring/scorer';
import bgnbd from './bgnbd';
import churn from './churn';
import dates from './dates';
import gammaGamma from './gamma-gamma';
import history from './history';
import lifecycle from './lifecycle';
import movement from './movement';
import notes from './notes';
import products from './products';
import repurchaseCycle from './repurchase-cycle';
import rfm from './rfm';
import valueMatrix from './value-matrix';

/** Every scorer, in an order where each comes after those whose facts it reads. */
export const scorers: readonly Scorer<any>[] = [history, rfm, repurchaseCycle, bgnbd, gammaGamma, churn, lifecycle, valueMatrix, dates, products, notes, movement];
