/**
 * The recording gateway's record builder entry point: the record fields of one proxied exchange,
 * built with the service's generated model (naming.ts). The work is in record-build.ts, which
 * takes the model as an argument so tests can hand it a small one.
 */
import { serviceModel } from './naming.js';
import { recordExchange } from './record-build.js';
import type { ExchangeRecord, ProxiedExchange } from './types.js';

export function describeExchange(exchange: ProxiedExchange): ExchangeRecord {
  return recordExchange(exchange, serviceModel(exchange.operation.service));
}
