import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { issueInWords } from '../../domain/issue-words.ts';
import { OperationError } from '../../operations/operator-actions.ts';
import type { Access, WebServices } from '../web-context.ts';

/** One route of the REST API: registered from its table, and described by the OpenAPI document from it too. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI style: `/api/tenants/{id}` */
  readonly path: string;
  readonly summary: string;
  readonly access: Exclude<Access, 'public'>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: z.ZodType;
  readonly handler: (request: FastifyRequest, services: WebServices) => Promise<unknown>;
}

export function params(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

export function bodyOf<T>(schema: z.ZodType<T>, request: FastifyRequest): T {
  const parsed = schema.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperationError(
      'Validation',
      `The request body is not valid: ${issue?.path.join('.') || 'body'} ${issue === undefined ? 'is not valid' : issueInWords(issue)}.`,
    );
  }
  return parsed.data;
}
