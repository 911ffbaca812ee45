import { describe, expect, it } from 'vitest';
import * as requests from '../../../src/api/requests.ts';

const error = { errorType: 'MyError', errorMessage: 'bad', trace: ['MyError: bad', '    at x (/var/task/index.js:1:1)'] };

describe('Runtime API requests as plain values', () => {
  it('GET /next', () => {
    expect(requests.nextInvocation()).toEqual({ method: 'GET', path: '/2018-06-01/runtime/invocation/next', headers: {} });
  });

  it('POST /response: JSON content type, the body as given (string or Buffer)', () => {
    expect(requests.postResponse('abc-123', '{"ok":true}')).toEqual({
      method: 'POST',
      path: '/2018-06-01/runtime/invocation/abc-123/response',
      headers: { 'Content-Type': 'application/json' },
      body: '{"ok":true}',
    });
    const buf = Buffer.from('null');
    expect(requests.postResponse('r', buf).body).toBe(buf);
  });

  it('POST /error: error type header, X-Ray cause header, JSON body', () => {
    expect(requests.postError('abc-123', error, '{"cause":1}')).toEqual({
      method: 'POST',
      path: '/2018-06-01/runtime/invocation/abc-123/error',
      headers: {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Function-Error-Type': 'MyError',
        'Lambda-Runtime-Function-XRay-Error-Cause': '{"cause":1}',
      },
      body: JSON.stringify(error),
    });
  });

  it('POST /error without an X-Ray cause leaves that header out', () => {
    expect(Object.keys(requests.postError('r', error, '').headers)).toEqual(['Content-Type', 'Lambda-Runtime-Function-Error-Type']);
  });

  it('POST /init/error: error type header, JSON body, no X-Ray cause', () => {
    expect(requests.postInitError(error)).toEqual({
      method: 'POST',
      path: '/2018-06-01/runtime/init/error',
      headers: { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': 'MyError' },
      body: JSON.stringify(error),
    });
  });

  it('URL-encodes the request id in the path', () => {
    expect(requests.postResponse('a/b c?d#e%', 'null').path).toBe('/2018-06-01/runtime/invocation/a%2Fb%20c%3Fd%23e%25/response');
    expect(requests.postError('a/b', error, '').path).toBe('/2018-06-01/runtime/invocation/a%2Fb/error');
  });

  it('strips CR and LF from header values so a value cannot end the header', () => {
    expect(requests.headerValue('a\r\nInjected: yes')).toBe('a Injected: yes');
    expect(requests.headerValue('a\nb\rc')).toBe('a b c');
    const req = requests.postError('r', { ...error, errorType: 'Bad\r\nX-Evil: 1' }, 'cause\nline');
    for (const value of Object.values(req.headers)) expect(value).not.toMatch(/[\r\n]/);
    expect(req.headers['Lambda-Runtime-Function-Error-Type']).toBe('Bad X-Evil: 1');
    expect(req.headers['Lambda-Runtime-Function-XRay-Error-Cause']).toBe('cause line');
    // The body keeps the original value.
    expect(JSON.parse(req.body as string).errorType).toBe('Bad\r\nX-Evil: 1');
    expect(requests.postInitError({ ...error, errorType: 'x\ny' }).headers['Lambda-Runtime-Function-Error-Type']).toBe('x y');
  });

  it('a non-string errorType is sent as its string form', () => {
    const req = requests.postError('r', { ...error, errorType: undefined as unknown as string }, '');
    expect(req.headers['Lambda-Runtime-Function-Error-Type']).toBe('undefined');
  });
});
