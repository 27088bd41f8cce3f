/**
 * Condition operators of the IAM policy language: the String, Arn, Numeric, Date, Bool, Binary,
 * IpAddress and Null families, the `...IfExists` suffix and the `ForAnyValue:`/`ForAllValues:`
 * set qualifiers, with IAM's rules for keys missing from the request (a missing key fails a
 * positive operator and satisfies a negated one).
 */
import { BlockList, isIP } from 'node:net';
import { wildcardMatch } from './wildcard.js';

export type ContextValue = string | string[] | undefined;

type ValueTest = (requestValue: string, policyValue: string) => boolean;

interface OperatorFamily {
  test: ValueTest;
  /** Negated operators are true when no policy value matches. */
  negated: boolean;
}

interface ParsedOperator extends OperatorFamily {
  isNull: boolean;
  ifExists: boolean;
  set: 'ForAnyValue' | 'ForAllValues' | undefined;
}

const equals: ValueTest = (a, b) => a === b;
const equalsIgnoreCase: ValueTest = (a, b) => a.toLowerCase() === b.toLowerCase();
const like: ValueTest = (value, pattern) => wildcardMatch(pattern, value);

/** ARNs compare component by component (six colon-separated parts), each with wildcards. */
const arnLike: ValueTest = (value, pattern) => {
  const v = arnParts(value);
  const p = arnParts(pattern);
  if (v.length !== 6 || p.length !== 6) return wildcardMatch(pattern, value);
  return p.every((part, i) => wildcardMatch(part, v[i] ?? ''));
};

function arnParts(arn: string): string[] {
  const parts = arn.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function compare(parse: (s: string) => number, ok: (a: number, b: number) => boolean): ValueTest {
  return (value, policyValue) => {
    const a = parse(value);
    const b = parse(policyValue);
    return !Number.isNaN(a) && !Number.isNaN(b) && ok(a, b);
  };
}

const toNumber = (s: string): number => (s.trim() === '' ? NaN : Number(s));
/** ISO 8601 or epoch seconds. */
const toTime = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

function inCidr(ip: string, cidr: string): boolean {
  const [address = '', bits] = cidr.split('/');
  const family = isIP(address);
  const ipFamily = isIP(ip);
  if (family === 0 || ipFamily === 0) return false;
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list.check(ip, ipFamily === 4 ? 'ipv4' : 'ipv6');
}

const FAMILIES: Readonly<Record<string, OperatorFamily>> = {
  StringEquals: { test: equals, negated: false },
  StringNotEquals: { test: equals, negated: true },
  StringEqualsIgnoreCase: { test: equalsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { test: equalsIgnoreCase, negated: true },
  StringLike: { test: like, negated: false },
  StringNotLike: { test: like, negated: true },
  ArnEquals: { test: arnLike, negated: false },
  ArnLike: { test: arnLike, negated: false },
  ArnNotEquals: { test: arnLike, negated: true },
  ArnNotLike: { test: arnLike, negated: true },
  NumericEquals: { test: compare(toNumber, (a, b) => a === b), negated: false },
  NumericNotEquals: { test: compare(toNumber, (a, b) => a === b), negated: true },
  NumericLessThan: { test: compare(toNumber, (a, b) => a < b), negated: false },
  NumericLessThanEquals: { test: compare(toNumber, (a, b) => a <= b), negated: false },
  NumericGreaterThan: { test: compare(toNumber, (a, b) => a > b), negated: false },
  NumericGreaterThanEquals: { test: compare(toNumber, (a, b) => a >= b), negated: false },
  DateEquals: { test: compare(toTime, (a, b) => a === b), negated: false },
  DateNotEquals: { test: compare(toTime, (a, b) => a === b), negated: true },
  DateLessThan: { test: compare(toTime, (a, b) => a < b), negated: false },
  DateLessThanEquals: { test: compare(toTime, (a, b) => a <= b), negated: false },
  DateGreaterThan: { test: compare(toTime, (a, b) => a > b), negated: false },
  DateGreaterThanEquals: { test: compare(toTime, (a, b) => a >= b), negated: false },
  Bool: { test: equalsIgnoreCase, negated: false },
  BinaryEquals: { test: equals, negated: false },
  IpAddress: { test: inCidr, negated: false },
  NotIpAddress: { test: inCidr, negated: true },
};

const SET_PREFIXES = ['ForAnyValue', 'ForAllValues'] as const;

/** The operator's meaning, or undefined for a name IAM does not know (names are case-sensitive). */
export function parseConditionOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: ParsedOperator['set'];
  for (const prefix of SET_PREFIXES) {
    if (rest.startsWith(`${prefix}:`)) {
      set = prefix;
      rest = rest.slice(prefix.length + 1);
      break;
    }
  }
  if (rest === 'Null') return set ? undefined : { test: equals, negated: false, isNull: true, ifExists: false, set };
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  const family = Object.hasOwn(FAMILIES, base) ? FAMILIES[base] : undefined;
  return family && { ...family, isNull: false, ifExists, set };
}

/** One operator/key/values entry of a Condition block against the request's value for the key. */
export function evaluateCondition(operator: string, requestValue: ContextValue, policyValues: readonly string[]): boolean {
  const op = parseConditionOperator(operator);
  if (!op) return false;
  const values = requestValue === undefined ? [] : Array.isArray(requestValue) ? requestValue : [requestValue];
  const present = values.length > 0;
  if (op.isNull) return policyValues.some((v) => (v.toLowerCase() === 'true') === !present);
  if (!present) {
    if (op.ifExists || op.set === 'ForAllValues') return true;
    return op.set === undefined && op.negated;
  }
  const matchesPolicy = (v: string) => policyValues.some((pv) => op.test(v, pv));
  const holds = (v: string) => matchesPolicy(v) !== op.negated;
  if (op.set === 'ForAnyValue') return values.some(holds);
  if (op.set === 'ForAllValues') return values.every(holds);
  return values.some(matchesPolicy) !== op.negated;
}
