/**
 * The recording gateway's record builder entry point: the record fields of one proxied exchange,
 * built with the service's generated model (naming.ts). The work is in record-build.ts, which
 * takes the model as an argument so tests can hand it a small one.
 */
import { serviceModel } from './naming.js';
import { readRequest, recordExchange, type RequestReading } from './record-build.js';
import type { ExchangeRecord, ProxiedExchange } from './types.js';

/** The request's input, read once before the call: authorization (access.ts) and the record share it. */
export function readExchangeRequest(exchange: ProxiedExchange): RequestReading {
  return readRequest(exchange, serviceModel(exchange.operation.service));
}

export function describeExchange(exchange: ProxiedExchange, reading?: RequestReading): ExchangeRecord {
  return recordExchange(exchange, serviceModel(exchange.operation.service), reading);
}
