// Public types: what a handler receives. Compatible with @types/aws-lambda's Context.
import type { Context } from 'aws-lambda';

export interface LambdaContext extends Omit<Context, 'callbackWaitsForEmptyEventLoop' | 'done' | 'fail' | 'succeed'> {
  /** Set when the invocation carries a tenant id (tenant isolation mode). */
  readonly tenantId?: string;
  /** The X-Ray trace header of this invocation ('' when none). Node 24+. */
  readonly xRayTraceId?: string;
  /** Node 22 only (callback handlers). */
  callbackWaitsForEmptyEventLoop?: boolean;
}
