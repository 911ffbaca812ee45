import { describe, expect, it } from 'vitest';
import { InvokeStore } from '../../../src/invoke/store.ts';

const K = InvokeStore.PROTECTED_KEYS;

describe('InvokeStore', () => {
  it('protected keys are the registered symbols @aws/lambda-invoke-store uses', () => {
    expect(K.REQUEST_ID).toBe(Symbol.for('_AWS_LAMBDA_REQUEST_ID'));
    expect(K.X_RAY_TRACE_ID).toBe(Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'));
    expect(K.TENANT_ID).toBe(Symbol.for('_AWS_LAMBDA_TENANT_ID'));
    const s = new InvokeStore();
    for (const k of Object.values(K)) expect(s.isProtectedKey(k)).toBe(true);
    expect(s.isProtectedKey('_AWS_LAMBDA_REQUEST_ID')).toBe(false);
    expect(s.isProtectedKey(Symbol('_AWS_LAMBDA_REQUEST_ID'))).toBe(false);
  });

  it('before any invocation: no context, request id "-"', () => {
    const s = new InvokeStore();
    expect(s.hasContext()).toBe(false);
    expect(s.getContext()).toBeUndefined();
    expect(s.getRequestId()).toBe('-');
    expect(s.getXRayTraceId()).toBeUndefined();
    expect(s.getTenantId()).toBeUndefined();
    expect(s.get('anything')).toBeUndefined();
  });

  it('run() installs the context, returns fn()s value, and the context stays after it (single concurrency)', () => {
    const s = new InvokeStore();
    const ctx = InvokeStore.contextFor('r1', 'Root=1-a', 't1');
    expect(s.run(ctx, () => s.getRequestId() + '!')).toBe('r1!');
    expect(s.getRequestId()).toBe('r1');
    expect(s.getXRayTraceId()).toBe('Root=1-a');
    expect(s.getTenantId()).toBe('t1');
    expect(s.getContext()).toBe(ctx);
    expect(s.hasContext()).toBe(true);
  });

  it('set/get user keys; setting a protected key throws and changes nothing', () => {
    const s = new InvokeStore();
    s.set('user', 1); // no context yet: one is created
    expect(s.get('user')).toBe(1);
    s.run(InvokeStore.contextFor('r1', '', undefined), () => s.set('user', 2));
    expect(s.get('user')).toBe(2);
    expect(() => s.set(K.REQUEST_ID, 'evil')).toThrow('Cannot modify protected Lambda context field: Symbol(_AWS_LAMBDA_REQUEST_ID)');
    expect(() => s.set(K.TENANT_ID, 'evil')).toThrow(/protected/);
    expect(() => s.set(K.X_RAY_TRACE_ID, 'evil')).toThrow(/protected/);
    expect(s.getRequestId()).toBe('r1');
  });

  it('a new invocation replaces the previous context wholesale (user keys do not leak)', () => {
    const s = new InvokeStore();
    s.run(InvokeStore.contextFor('r1', 'x', 't'), () => s.set('leak', true));
    s.run(InvokeStore.contextFor('r2', '', undefined), () => undefined);
    expect(s.get('leak')).toBeUndefined();
    expect(s.getRequestId()).toBe('r2');
    expect(s.getTenantId()).toBeUndefined();
  });

  it('contextFor leaves the tenant key out when there is no tenant', () => {
    expect(Object.getOwnPropertySymbols(InvokeStore.contextFor('r', 't', undefined))).toEqual([K.REQUEST_ID, K.X_RAY_TRACE_ID]);
    expect(Object.getOwnPropertySymbols(InvokeStore.contextFor('r', 't', 'x'))).toEqual([K.REQUEST_ID, K.X_RAY_TRACE_ID, K.TENANT_ID]);
  });
});
