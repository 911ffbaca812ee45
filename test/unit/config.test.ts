import { describe, expect, it } from 'vitest';
import { managedNodePath, readConfig } from '../../src/config.ts';
import { LEVELS } from '../../src/logging/format.ts';

// The test process runs on Node 24, so readConfig picks the 4.x line.
const major = Number(process.versions.node.split('.')[0]);

describe('readConfig', () => {
  it('fills what a custom runtime does not get: AWS_EXECUTION_ENV and NODE_PATH, into the environment itself', () => {
    const env: NodeJS.ProcessEnv = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', _HANDLER: 'index.handler' };
    const c = readConfig(env);
    expect(env.AWS_EXECUTION_ENV).toBe(`AWS_Lambda_nodejs${major}.x`);
    expect(env.NODE_PATH).toBe(managedNodePath(major));
    expect(managedNodePath(24)).toBe('/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task');
    expect(c.nodePath).toEqual(managedNodePath(major).split(':'));
    expect(c.flavour).toBe(major >= 24 ? 4 : 3);
    expect(c.runtimeApi).toBe('127.0.0.1:9001');
    expect(c.handler).toBe('index.handler');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('keeps values the user set', () => {
    const env: NodeJS.ProcessEnv = { AWS_EXECUTION_ENV: 'mine', NODE_PATH: '/a/node_modules::/b' };
    const c = readConfig(env);
    expect(env.AWS_EXECUTION_ENV).toBe('mine');
    expect(env.NODE_PATH).toBe('/a/node_modules::/b');
    expect(c.nodePath).toEqual(['/a/node_modules', '/b']);
  });

  it('consumes _LAMBDA_TELEMETRY_LOG_FD so child processes do not inherit it', () => {
    const env: NodeJS.ProcessEnv = { _LAMBDA_TELEMETRY_LOG_FD: '3' };
    expect(readConfig(env).telemetryFd).toBe(3);
    expect('_LAMBDA_TELEMETRY_LOG_FD' in env).toBe(false);
    expect(readConfig({ _LAMBDA_TELEMETRY_LOG_FD: 'x' }).telemetryFd).toBeUndefined();
    expect(readConfig({}).telemetryFd).toBeUndefined();
  });

  it('log format and level, case-insensitive; an unknown level means TRACE', () => {
    expect(readConfig({ AWS_LAMBDA_LOG_FORMAT: 'json' }).logJson).toBe(true);
    expect(readConfig({ AWS_LAMBDA_LOG_FORMAT: 'Text' }).logJson).toBe(false);
    expect(readConfig({ AWS_LAMBDA_LOG_LEVEL: 'warn' }).logLevel).toBe(LEVELS.WARN);
    expect(readConfig({ AWS_LAMBDA_LOG_LEVEL: 'loud' }).logLevel).toBe(LEVELS.TRACE);
    expect(readConfig({}).logLevel).toBe(LEVELS.TRACE);
  });

  it('AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA 1/true turns the global off', () => {
    expect(readConfig({}).globalAwsLambda).toBe(true);
    expect(readConfig({ AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA: '1' }).globalAwsLambda).toBe(false);
    expect(readConfig({ AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA: 'true' }).globalAwsLambda).toBe(false);
    expect(readConfig({ AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA: 'yes' }).globalAwsLambda).toBe(true);
  });

  it('task root: LAMBDA_TASK_ROOT, else the working directory', () => {
    expect(readConfig({ LAMBDA_TASK_ROOT: '/var/task' }).taskRoot).toBe('/var/task');
    expect(readConfig({}).taskRoot).toBe(process.cwd());
  });
});
