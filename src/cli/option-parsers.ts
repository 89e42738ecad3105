import { InvalidArgumentError } from 'commander';
import { listLimit } from '../operations/list-limit.ts';

/** Parsers of command-line option values: a bad value is refused by commander with the reason. */

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('give a positive number');
  return n;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number, 1 or more');
  return n;
}

export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a port number, 0 to 65535');
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('give a whole number, 0 or more');
  return n;
}

/** `--limit N`: how many to list, a whole number from 1 to `max`. */
export function limitOf(max: number): (value: string) => number {
  return (value) => {
    try {
      return listLimit(value, 1, max);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}
